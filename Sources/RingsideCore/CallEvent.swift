/// Who produced a piece of speech or audio in a call.
public enum Speaker: String, Sendable, Codable, Hashable {
    case caller, agent, human
}

/// The pipeline stage that emitted an event.
public enum Stage: String, Sendable, Codable, Hashable {
    case session, vad, endpoint, stt, brain, tool, policy, tts, playout, sip, rtp
}

/// One tool invocation as it appears in traces, reports and the TUI.
public struct ToolCallTrace: Sendable, Codable, Equatable {
    /// Identifies this invocation across started/finished/failed events.
    public var invocation: String
    public var tool: String
    /// Arguments as JSON text, already redacted.
    public var arguments: String
    public var attempt: Int
    /// Result as JSON text (redacted) when finished; the error sentence when failed.
    public var result: String?
    public var durationMs: Double?

    public init(invocation: String, tool: String, arguments: String, attempt: Int = 1, result: String? = nil, durationMs: Double? = nil) {
        self.invocation = invocation
        self.tool = tool
        self.arguments = arguments
        self.attempt = attempt
        self.result = result
        self.durationMs = durationMs
    }
}

/// RTP quality figures for one direction of a call.
public struct RTPStats: Sendable, Codable, Equatable {
    /// Which way the packets went. Encoded as "in" and "out", as before it was typed.
    public enum Direction: String, Sendable, Codable, Comparable {
        case received = "in"
        case sent = "out"

        public static func < (a: Direction, b: Direction) -> Bool { a.rawValue < b.rawValue }
    }

    public var direction: Direction
    public var codec: String
    public var packets: Int
    public var lost: Int
    public var jitterMs: Double
    public var rttMs: Double?
    public var jitterBufferMs: Double?
    public var mos: Double?
    /// Which leg of a bridged call (`ringside supervise`): "caller" or "agent"; nil on a call with one leg.
    public var leg: String?

    public init(direction: Direction, codec: String, packets: Int, lost: Int, jitterMs: Double, rttMs: Double? = nil, jitterBufferMs: Double? = nil, mos: Double? = nil,
                leg: String? = nil) {
        self.direction = direction
        self.codec = codec
        self.packets = packets
        self.lost = lost
        self.jitterMs = jitterMs
        self.rttMs = rttMs
        self.jitterBufferMs = jitterBufferMs
        self.mos = mos
        self.leg = leg
    }
}

/// Which engine produced a final transcript and how: the event just before the `finalTranscript` it describes.
public struct FinalSource: Sendable, Codable, Equatable {
    public var speaker: Speaker
    /// "whisper" or "pocketsphinx".
    public var engine: String
    /// The final came from a decode started at a pause, before the end of the turn was decided.
    public var speculative: Bool
    /// Wall time the end of the turn waited for the final, ms.
    public var waitMs: Double
    /// Why the better pass's text was not used (a deadline, a guard), if it was not.
    public var fallback: String?
    /// The turn held speech, but neither pass could make out its words: the final is empty, and the
    /// caller should be asked again rather than met with silence. Absent (old recordings) means no.
    public var unclear: Bool?

    public init(speaker: Speaker, engine: String, speculative: Bool = false, waitMs: Double = 0, fallback: String? = nil, unclear: Bool? = nil) {
        self.speaker = speaker
        self.engine = engine
        self.speculative = speculative
        self.waitMs = waitMs
        self.fallback = fallback
        self.unclear = unclear
    }
}

/// Whether the agent's reply to a caller turn was worked out ahead, at a pause before the end of the
/// turn was decided, and whether that speculation held. One per turn that was speculated on, just
/// before its reply plays; a turn without it was not speculated on (speculation off, or no pause).
public struct SpeculationOutcome: Sendable, Codable, Equatable {
    /// The reply worked out at the pause that ended the turn was played (no brain or TTS wait).
    public var held: Bool
    /// Speculations thrown away in this turn because the caller went on talking.
    public var cancelled: Int
    /// The words the last speculation answered.
    public var text: String
    /// Why it did not hold (the final words differ, a tool that writes was needed), when it did not.
    public var miss: String?

    public init(held: Bool, cancelled: Int = 0, text: String, miss: String? = nil) {
        self.held = held
        self.cancelled = cancelled
        self.text = text
        self.miss = miss
    }
}

/// What happened. Each case is one kind of fact; the enclosing `CallEvent` says when and where.
public enum CallEventPayload: Sendable, Codable, Equatable {
    case callStarted(agent: String, transport: String)
    case callEnded(reason: String)
    case speechStarted(speaker: Speaker)
    /// `trueEnd` is when the speech actually stopped, which precedes the decision to say so.
    case speechStopped(speaker: Speaker, trueEnd: MediaTime)
    /// The turn detector decided the caller finished; `trueEnd` is the real end of speech.
    case endOfTurn(trueEnd: MediaTime, rule: EndOfTurnRule)
    case partialTranscript(speaker: Speaker, text: String)
    case finalTranscript(speaker: Speaker, text: String, confidence: Double)
    case finalSource(FinalSource)
    case brainStarted(input: String)
    /// `path` names who answered (intent engine, LLM) and why.
    case brainDecided(intent: String?, confidence: Double, path: AnswerPath, reply: String, expects: String?)
    case toolStarted(ToolCallTrace)
    case toolFinished(ToolCallTrace)
    case toolFailed(ToolCallTrace, error: String)
    case approvalRequested(id: String, tool: String, arguments: String)
    case approvalDecided(id: String, approved: Bool, by: String)
    case escalated(summary: String, target: String?)
    /// The agent's own reply, sent to its synthesiser.
    case ttsRequested(text: String)
    case ttsFirstAudio
    case ttsFinished
    case playoutStarted
    case playoutFinished(heardFraction: Double)
    /// What the far end of a remote call said, as transcribed here (the agent under test is not ours:
    /// its words are heard, not requested).
    case farEndHeard(text: String)
    /// The caller went on talking soon after the end of their turn was decided: `fragment` (what they
    /// had said until the pause) joins what they said next as one turn, and any reply to the fragment
    /// is withdrawn (`replyStarted`: some of it had already played). A premature cut-off.
    case fragmentJoined(fragment: String, replyStarted: Bool)
    /// The turn's reply was speculated on at a pause; whether it held.
    case speculation(SpeculationOutcome)
    /// The caller spoke over the agent; only `heardText` stays in the brain's context.
    case bargeIn(heardText: String, heardFraction: Double)
    case takeover(by: String)
    case handback(context: String)
    /// Text passed on by someone in front of the call (a SIP MESSAGE from `ringside supervise`) while
    /// the agent was not taken over: what the agent is told, as information; it carries on as it was.
    case contextPassedOn(context: String)
    case dtmf(digit: String)
    case sipState(SIPState)
    case rtpStats(RTPStats)
    case level(speaker: Speaker, rms: Double, peak: Double)
    case error(String)
}

/// One stamped fact about a call. The ordered stream of these is the single source of truth
/// that the screen, the recorder, the grader and the benchmarks all observe.
public struct CallEvent: Sendable, Codable, Equatable {
    public var callID: String
    public var turn: Int
    public var time: MediaTime
    public var stage: Stage
    public var payload: CallEventPayload

    public init(callID: String, turn: Int, time: MediaTime, stage: Stage, payload: CallEventPayload) {
        self.callID = callID
        self.turn = turn
        self.time = time
        self.stage = stage
        self.payload = payload
    }
}

extension CallEventPayload {
    /// The agent's words in this event: its own reply (`ttsRequested`) or, on a call to a remote
    /// agent, its speech as heard here (`farEndHeard`); nil for every other fact.
    public var agentWords: String? {
        switch self {
        case let .ttsRequested(text), let .farEndHeard(text): return text
        default: return nil
        }
    }
}
