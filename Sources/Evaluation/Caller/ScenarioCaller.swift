import Audio
import Foundation
import RingsideCore
import Session

/// The simulated caller of a scenario: an `AudioSource` that speaks pre-synthesised turns when the
/// agent has finished (or over it, for barge-in), picks reactive turns by matching what the agent
/// just said, sends keypad digits out of band, and hangs up when done or when nothing happens.
///
/// All audio is synthesised before the call (`ScenarioVoice`), so the caller never waits on a
/// synthesiser during the call and runs are deterministic in virtual time.
public final class ScenarioCaller: AudioSource, @unchecked Sendable {
    /// A turn the caller actually took, with when.
    public struct SpokenTurn: Sendable, Equatable {
        /// Index into the scenario's turns.
        public var index: Int
        public var start: MediaTime
        public var end: MediaTime
    }

    public let rate: SampleRate
    private let turns: [ScenarioTurn]
    private let audio: [Int: [AudioFrame]]
    private let clock: any CallClock
    private let bus: CallEventBus
    private let keypad: @Sendable (String) -> Void
    private let pause: MediaTime
    private let tail: MediaTime
    private let limits: CallLimits
    private let heard: @Sendable (String, String) -> Bool

    private struct State {
        var fired: Set<Int> = []
        /// Reactive turns said again because the agent asked their question again, and how often.
        var repeats: [Int: Int] = [:]
        var spoken: [SpokenTurn] = []
        var frames: [AudioFrame] = []
        var position = 0
        var silenceUntil: MediaTime?
        /// What the agent has said since the caller last took a turn.
        var agentText = ""
        var agentSpeaking = false
        var playoutStartedAt: MediaTime?
        var agentFinishedAt: MediaTime?
        var lastActivity = MediaTime.zero
        var endAt: MediaTime?
        var hungUp = false
        var gaveUp: String?
    }
    private let state = LockedValue(State())

    /// `audio` holds each `say` turn's frames by turn index; `keypad` delivers DTMF digits to the call.
    /// With `hearsPlayout` false the caller does not learn from the call's events when the agent's
    /// voice starts and stops; it is told from the sound instead (`heardAgent(speaking:at:)`).
    public init(turns: [ScenarioTurn], audio: [Int: [AudioFrame]], rate: SampleRate, bus: CallEventBus, limits: CallLimits = CallLimits(),
                pause: MediaTime = .milliseconds(400), tail: MediaTime = .seconds(1.5),
                heard: (@Sendable (_ pattern: String, _ agentText: String) -> Bool)? = nil, hearsPlayout: Bool = true,
                keypad: @escaping @Sendable (String) -> Void) {
        // How a `when` pattern is matched against what the agent said (regular expression by default).
        self.heard = heard ?? { TextMatch.matches($0, $1) }
        self.turns = turns
        self.audio = audio
        self.rate = rate
        self.clock = bus.clock
        self.bus = bus
        self.limits = limits
        self.pause = pause
        self.tail = tail
        self.keypad = keypad
        // In step with the call (the same turns at the same times on every virtual-time run).
        bus.observeInline { [state] event in
            state.withLock { s in
                switch event.payload {
                case let .ttsRequested(text), let .farEndHeard(text):
                    s.agentText += (s.agentText.isEmpty ? "" : " ") + text
                case .playoutStarted where hearsPlayout:
                    Self.agentStarted(&s, at: event.time)
                case .playoutFinished where hearsPlayout:
                    Self.agentFinished(&s, at: event.time)
                case let .finalTranscript(.human, text, _) where !text.isEmpty:
                    s.agentText += " " + text
                    s.agentFinishedAt = event.time
                    s.lastActivity = event.time
                default: break
                }
            }
        }
    }

    /// The agent's voice as heard from its sound (a real-time run through a PulseAudio loop):
    /// it started at `time`, or it has been quiet since `time`.
    public func heardAgent(speaking: Bool, at time: MediaTime) {
        state.withLock { s in
            if speaking { Self.agentStarted(&s, at: time) } else { Self.agentFinished(&s, at: time) }
        }
    }

    private static func agentStarted(_ s: inout State, at time: MediaTime) {
        s.agentSpeaking = true
        s.playoutStartedAt = time
        s.agentFinishedAt = nil
        s.lastActivity = time
    }

    private static func agentFinished(_ s: inout State, at time: MediaTime) {
        s.agentSpeaking = false
        s.playoutStartedAt = nil
        s.agentFinishedAt = time
        s.lastActivity = time
    }

    /// Turns taken so far, in order.
    public var spoken: [SpokenTurn] { state.withLock { $0.spoken } }

    /// Why the caller hung up early (a limit, or waiting in vain for the agent), if it did.
    public var gaveUp: String? { state.withLock { $0.gaveUp } }

    /// Indices of required turns never taken.
    public var missedTurns: [Int] {
        let fired = state.withLock { $0.fired }
        return turns.indices.filter { !fired.contains($0) && !turns[$0].optional }
    }

    public func nextFrame() throws -> AudioFrame? {
        let now = clock.now()
        let (frame, digits): (AudioFrame?, String?) = state.withLock { s in
            if s.hungUp { return (nil, nil) }
            if s.position < s.frames.count {
                defer { s.position += 1 }
                if s.position == s.frames.count - 1, var last = s.spoken.popLast() {
                    last.end = now + AudioFrame.duration
                    s.spoken.append(last)
                }
                s.lastActivity = now
                return (s.frames[s.position], nil)
            }
            if let until = s.silenceUntil {
                if now < until { return (.silence(rate: rate, at: now), nil) }
                s.silenceUntil = nil
            }
            if now >= MediaTime.seconds(limits.maxDurationSeconds) {
                s.gaveUp = "the call reached its \(Int(limits.maxDurationSeconds)) s limit"
                s.hungUp = true
                return (nil, nil)
            }
            if !s.agentSpeaking, now - s.lastActivity >= MediaTime.seconds(limits.maxSilenceSeconds) {
                if pendingRequired(s) != nil {
                    s.gaveUp = "nobody spoke for \(limits.maxSilenceSeconds) s while the caller waited for its next turn"
                }
                s.hungUp = true
                return (nil, nil)
            }
            guard let index = choose(s, now: now) else {
                if pendingRequired(s) == nil, !s.agentSpeaking, let done = s.agentFinishedAt {
                    // Nothing left to say: hang up a moment after the agent's last word.
                    if s.endAt == nil { s.endAt = max(done, s.lastActivity) + tail }
                }
                if let end = s.endAt, now >= end { s.hungUp = true; return (nil, nil) }
                return (.silence(rate: rate, at: now), nil)
            }
            if s.fired.contains(index) { s.repeats[index, default: 0] += 1 }
            s.fired.insert(index)
            s.endAt = nil
            s.agentText = ""
            s.agentFinishedAt = nil
            s.lastActivity = now
            s.spoken.append(SpokenTurn(index: index, start: now, end: now))
            switch turns[index].action {
            case .say:
                s.frames = (audio[index] ?? []).enumerated().map { AudioFrame(rate: rate, samples: $0.element.samples, timestamp: now + .milliseconds(Double($0.offset) * 20)) }
                s.position = 1
                return (s.frames.first ?? .silence(rate: rate, at: now), nil)
            case let .dtmf(digits):
                return (.silence(rate: rate, at: now), digits)
            case let .silence(ms):
                s.silenceUntil = now + .milliseconds(Double(ms))
                // The agent need not answer a silence: the next turn may follow it directly.
                s.agentFinishedAt = now
                return (.silence(rate: rate, at: now), nil)
            case .hangUp:
                s.hungUp = true
                return (nil, nil)
            }
        }
        if let digits {
            for d in digits { bus.emit(.session, .dtmf(digit: String(d))) }
            keypad(digits)
        }
        return frame
    }

    /// The first non-optional turn not yet taken.
    private func pendingRequired(_ s: State) -> Int? {
        turns.indices.first { !s.fired.contains($0) && !turns[$0].optional }
    }

    /// The turn to take now, if any: an optional reactive turn whose pattern matches what the agent
    /// just said, else the next required turn once its moment has come.
    private func choose(_ s: State, now: MediaTime) -> Int? {
        let cursor = pendingRequired(s)
        let candidates = turns.indices.filter { i in
            !s.fired.contains(i) && (turns[i].optional || i == cursor)
        }
        for i in candidates {
            let turn = turns[i]
            if let pattern = turn.when, !heard(pattern, s.agentText) { continue }
            if let after = turn.bargeInAfterMs {
                if s.agentSpeaking, let started = s.playoutStartedAt, now >= started + .milliseconds(Double(after)) { return i }
                continue
            }
            if !s.agentSpeaking, let done = s.agentFinishedAt, now >= done + pause + .milliseconds(Double(turn.delayMs)) { return i }
        }
        return answerAgain(s, now: now, waitingFor: cursor)
    }

    /// How often a reactive turn is said again when the agent asks its question again.
    static let maxRepeats = 2

    /// A person asked the same thing again answers again: while a required turn is still to come and
    /// none is due, the agent's last question ("May I have your first and last name, please?" after
    /// "Sorry, I didn't catch that") matching a reactive turn already taken has that turn said again,
    /// the latest such turn first, at most `maxRepeats` times each.
    private func answerAgain(_ s: State, now: MediaTime, waitingFor cursor: Int?) -> Int? {
        guard cursor != nil, !s.agentSpeaking, let done = s.agentFinishedAt, now >= done + pause,
              let question = Self.lastQuestion(s.agentText) else { return nil }
        for taken in s.spoken.reversed() {
            let turn = turns[taken.index]
            guard let pattern = turn.when, case .say = turn.action, s.repeats[taken.index, default: 0] < Self.maxRepeats else { continue }
            if heard(pattern, question) { return taken.index }
        }
        return nil
    }

    /// The last sentence ending in a question mark, or nil when the agent asked nothing.
    static func lastQuestion(_ text: String) -> String? {
        guard let mark = text.lastIndex(of: "?") else { return nil }
        let head = text[..<mark]
        let start = head.lastIndex { ".!?".contains($0) }.map { head.index(after: $0) } ?? head.startIndex
        return String(text[start...mark]).trimmingCharacters(in: .whitespaces)
    }

    public func close() {}
}
