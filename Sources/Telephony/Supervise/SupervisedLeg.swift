import Audio
import Foundation
import RingsideCore
import Session

/// One call `ringside supervise` is in the middle of: the caller's leg (inbound), the remote agent's
/// leg (outbound), the bridge between them once the agent answers, and what watches the call.
public final class SupervisedLeg: @unchecked Sendable {
    /// Where the call stands.
    public enum Stage: Sendable, Equatable {
        /// The caller rings while the agent is called.
        case dialing
        /// Both legs are up and bridged.
        case bridged
        /// Over (`reason` says why).
        case ended(reason: String)
    }

    public let id: String
    public let caller: PhoneCall
    /// The agent's leg (a fallback agent's once the first did not connect).
    public var agent: PhoneCall { state.value.agent }
    /// Whom `agent` calls.
    public var agentURI: String { state.value.agentURI }
    /// When the call came in (calls are listed in this order).
    public let began = Date()
    private struct State {
        var agent: PhoneCall
        var agentURI: String
        var stage = Stage.dialing
        var watcher: SupervisedCall?
        var bridge: AudioBridge?
        /// During a takeover: the operator's voice (nil: silence), which the caller hears instead of the agent.
        var operatorVoice: (any AudioSource)?
        /// During a takeover: the operator's typed lines, spoken (before the voice above, or instead of silence).
        var typedLines: FrameTap?
        /// During a takeover: where the operator hears the caller.
        var operatorEar: (any AudioSink)?
        var takenOver = false
        /// The operator hung the agent's leg up; the call goes on with the operator alone.
        var agentDropped = false
        /// During a takeover: the human part of the conversation, for the agent when it gets the call back.
        var handback: HandbackContext?
        /// How the last takeover's microphone kept up (nil: no microphone, or no gap).
        var voiceGaps: String?
    }

    private let state: LockedValue<State>

    init(id: String, caller: PhoneCall, agent: PhoneCall, agentURI: String) {
        self.id = id
        self.caller = caller
        state = LockedValue(State(agent: agent, agentURI: agentURI))
    }

    /// While the caller still rings: calls `uri` (`call`) instead of the agent that did not connect;
    /// returns that agent's call, or nil when the call is no longer dialing.
    func replaceAgent(with call: PhoneCall, uri: String) -> PhoneCall? {
        state.withLock { s in
            guard s.stage == .dialing else { return nil }
            defer { s.agent = call; s.agentURI = uri }
            return s.agent
        }
    }

    public var stage: Stage { state.value.stage }
    public var isTakenOver: Bool { state.value.takenOver }
    /// What watches the call (transcripts, latency, recording), once it has been built.
    public var watcher: SupervisedCall? { state.value.watcher }

    func attach(_ watcher: SupervisedCall) { state.withLock { $0.watcher = watcher } }

    /// Moves from `.dialing` to `.bridged` (false if the call was no longer dialing).
    func markBridged() -> Bool {
        state.withLock { s in
            guard s.stage == .dialing else { return false }
            s.stage = .bridged
            return true
        }
    }

    /// Ends the call once: false if it had already ended. Stops the bridge.
    func markEnded(_ reason: String) -> Bool {
        let (first, bridge) = state.withLock { s -> (Bool, AudioBridge?) in
            if case .ended = s.stage { return (false, nil) }
            s.stage = .ended(reason: reason)
            defer { s.bridge = nil }
            return (true, s.bridge)
        }
        bridge?.stop()
        return first
    }

    /// Joins the legs' audio: the caller hears the agent (or, taken over, the operator) and the agent
    /// hears the caller (nothing while taken over); every frame is also handed to the watcher.
    func bridge() {
        let audio = AudioBridge(caller.media, agent.media, name: id) { [self] in relay($0, $1) }
        state.withLock { $0.bridge = audio }
    }

    /// The watcher hears each side as its leg's codec carries it (G.711: telephone band); once both are agreed.
    func tuneEars() {
        guard let watcher, let callerCodec = caller.negotiated?.codec, let agentCodec = agent.negotiated?.codec else { return }
        watcher.hearLegs(callerNarrowband: callerCodec.isNarrowband, agentNarrowband: agentCodec.isNarrowband)
    }

    /// Hangs the agent's leg up for good while the call is taken over: the caller stays with the
    /// operator (the caller's own audio paces what they hear). False when not taken over or already done.
    func dropAgent() -> Bool {
        let old = state.withLock { s -> AudioBridge?? in
            guard s.stage == .bridged, s.takenOver, !s.agentDropped else { return nil }
            s.agentDropped = true
            defer { s.bridge = nil }
            return s.bridge
        }
        guard let old else { return false }
        old?.stop()
        agent.hangUp()
        let alone = AudioBridge(alone: caller.media, name: id) { [self] in relay($0, $1) }
        let stale = state.withLock { s -> AudioBridge? in
            guard s.stage == .bridged else { return alone }  // ended meanwhile
            s.bridge = alone
            return nil
        }
        stale?.stop()
        return true
    }

    /// Whether the operator hung the agent's leg up (its end does not end the call).
    public var agentDropped: Bool { state.value.agentDropped }

    /// What passes for one frame (on the bridge's threads; never waits): the caller's goes to the agent,
    /// or, taken over, to the operator's speaker; towards the caller goes the agent's, or, taken over,
    /// the operator's typed lines being spoken, else their voice, else silence. The watcher sees both.
    private func relay(_ direction: AudioBridge.Direction, _ frame: AudioFrame) -> AudioFrame? {
        let (watcher, takenOver, voice, typed, ear) = state.withLock { ($0.watcher, $0.takenOver, $0.operatorVoice, $0.typedLines, $0.operatorEar) }
        switch direction {
        case .aToB:  // the caller speaking, towards the agent
            watcher?.callerSaid(frame)
            guard takenOver else { return frame }
            try? ear?.write(frame)
            return nil
        case .bToA:  // the agent speaking (paced by its RTP), towards the caller
            var out = frame
            if takenOver {
                // A live microphone always has a frame: a typed line being spoken goes first (as in serve).
                let spoken = typed.flatMap { (try? $0.pollFrame()) ?? nil }
                    ?? voice.flatMap { v in (try? (v.isLive ? v.pollFrame() : v.nextFrame())) ?? nil }
                out = spoken.map { AudioFrame(rate: frame.rate, samples: $0.samples, timestamp: frame.timestamp) }
                    ?? .silence(rate: frame.rate, at: frame.timestamp)
            }
            watcher?.callerHears(out)
            return out
        }
    }

    /// Starts or ends a takeover's audio routing; nil when nothing changed,
    /// else what was said during the takeover now ending (nothing yet when one starts).
    func route(takenOver: Bool, voice: (any AudioSource)?, ear: (any AudioSink)?) -> HandbackContext? {
        state.withLock { s in
            guard s.stage == .bridged, s.takenOver != takenOver, !s.agentDropped else { return nil }
            s.takenOver = takenOver
            s.voiceGaps = (s.operatorVoice as? CushionedSource).flatMap { c in
                c.underruns + c.droppedFrames > 0 ? "the operator's microphone ran dry \(c.underruns) times, \(c.droppedFrames) frames dropped" : nil
            }
            s.operatorVoice?.close()
            s.operatorVoice = takenOver ? voice : nil
            s.operatorEar = takenOver ? ear : nil
            s.typedLines?.finish()
            s.typedLines = takenOver ? FrameTap(rate: .hz16000) : nil
            let said = s.handback ?? HandbackContext(callID: id, agentURI: s.agentURI)
            s.handback = takenOver ? HandbackContext(callID: id, agentURI: s.agentURI) : nil
            return said
        }
    }

    /// How the last takeover's microphone kept up with the call: nil when it never ran dry nor overflowed.
    var operatorVoiceGaps: String? { state.value.voiceGaps }

    /// Queues an operator's line (its speech) for the caller; false when the call is not taken over.
    func speak(_ frames: [AudioFrame]) -> Bool {
        guard let typed = state.withLock({ $0.takenOver ? $0.typedLines : nil }) else { return false }
        frames.forEach(typed.push)
        return true
    }

    /// Keeps what `event` says (a caller's or the operator's words) while the call is taken over.
    func noteDuringTakeover(_ event: CallEvent) {
        state.withLock { s in s.handback?.observe(event) }
    }
}
