import Audio
import Foundation
import RingsideCore
import Session
import Speech
import Synchronization

/// A caller played by the machine: speaks scripted lines (synthesised, in a chosen voice) one at a
/// time, each after the agent — or, during a takeover, the human — has finished answering.
///
/// It is an `AudioSource` for the session and watches the call's bus to know when to speak.
///
/// Session tests' own scripted caller (synthesising as it goes, no scenario file): the product's machine
/// caller is Evaluation's `ScenarioCaller`, which Session cannot depend on. It lived in Session,
/// shipped though only tests used it.
final class SimulatedCaller: AudioSource, @unchecked Sendable {
    /// One scripted step of the caller.
    public enum Line: Sendable, Equatable {
        case say(String)
        /// Speak over the agent this long after its reply starts playing.
        case bargeIn(String, afterMilliseconds: Int)
        case silence(milliseconds: Int)
        /// The line's speech played backwards: a voice at the caller's level whose words nobody can make out.
        case mumble(String)
    }

    public let rate: SampleRate
    private let synthesizer: any SpeechSynthesizer
    private let pause: MediaTime
    private let tail: MediaTime
    private struct State: Sendable {
        var lines: [Line]
        var next = 0
        var speaking: [AudioFrame] = []
        var position = 0
        /// When the caller may start the next line (after the other side finished).
        var mayStartAt: MediaTime?
        var agentPlayoutStartedAt: MediaTime?
        var clockNow = MediaTime.zero
        var endAt: MediaTime?
    }
    private let state: LockedValue<State>
    private let clock: any CallClock

    /// `pause` is how long the caller waits after the other side stops before answering.
    public init(lines: [Line], synthesizer: any SpeechSynthesizer, rate: SampleRate, bus: CallEventBus,
                pause: MediaTime = .milliseconds(400), tail: MediaTime = .seconds(1.5)) {
        self.rate = rate
        clock = bus.clock
        self.synthesizer = synthesizer
        self.pause = pause
        self.tail = tail
        state = LockedValue(State(lines: lines))
        // In step with the call: the next frame asked for already knows the agent stopped.
        bus.observeInline { [state] event in
            state.withLock { s in
                switch event.payload {
                case .playoutStarted:
                    s.agentPlayoutStartedAt = event.time
                    s.mayStartAt = nil
                case .playoutFinished:
                    s.agentPlayoutStartedAt = nil
                    s.mayStartAt = event.time + pause
                case let .finalTranscript(.human, text, _) where !text.isEmpty:
                    s.agentPlayoutStartedAt = nil
                    s.mayStartAt = event.time + pause
                default: break
                }
            }
        }
    }

    /// Lines not yet spoken.
    public var remainingLines: Int { state.withLock { $0.lines.count - $0.next } }

    public func nextFrame() throws -> AudioFrame? {
        let now = clock.now()
        var backwards = false
        let (frame, startText): (AudioFrame?, String?) = state.withLock { s in
            if s.position < s.speaking.count {
                defer { s.position += 1 }
                return (s.speaking[s.position], nil)
            }
            guard s.next < s.lines.count else {
                // Nothing left to say: hang up a moment after the agent's last word.
                if s.agentPlayoutStartedAt == nil, let may = s.mayStartAt {
                    if s.endAt == nil { s.endAt = may + tail }
                }
                if let end = s.endAt, now >= end { return (nil, nil) }
                return (.silence(rate: rate, at: now), nil)
            }
            switch s.lines[s.next] {
            case let .silence(ms):
                s.next += 1
                s.speaking = [AudioFrame](repeating: .silence(rate: rate, at: now), count: ms / 20)
                s.position = 0
                return (.silence(rate: rate, at: now), nil)
            case let .say(text), let .mumble(text):
                if let may = s.mayStartAt, now >= may, s.agentPlayoutStartedAt == nil {
                    if case .mumble = s.lines[s.next] { backwards = true }
                    s.next += 1
                    s.mayStartAt = nil
                    return (nil, text)
                }
            case let .bargeIn(text, after):
                if let started = s.agentPlayoutStartedAt, now >= started + .milliseconds(Double(after)) {
                    s.next += 1
                    return (nil, text)
                }
            }
            return (.silence(rate: rate, at: now), nil)
        }
        if let startText {
            var frames = try synthesize(startText)
            if backwards {
                let reversed = Array(frames.flatMap(\.samples).reversed())
                frames = AudioFrame.frames(from: reversed, rate: rate, start: frames.first?.timestamp ?? now)
            }
            return state.withLock { s in
                s.speaking = frames
                s.position = 1
                return frames.first ?? .silence(rate: rate, at: now)
            }
        }
        return frame
    }

    /// Synthesises a whole line (flite is far faster than real time) as this caller's voice. Waits on the
    /// engine's own thread, never on a task: several simulated callers at once must not starve Swift's
    /// cooperative threads (two on a two-core machine).
    private func synthesize(_ text: String) throws -> [AudioFrame] {
        try synthesizer.synthesize(text, rate: rate).waitForAllFrames()
    }

    public func close() {}
}
