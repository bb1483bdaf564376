/// One step of the simulated caller, and what the agent's answer to it must look like.
///
/// A turn with `when` is reactive: it is spoken only after an agent reply matching that regular
/// expression (case-insensitive), whenever that happens; other turns are spoken in order.
public struct ScenarioTurn: Sendable, Equatable {
    /// What the caller does.
    public enum Action: Sendable, Equatable {
        case say(String)
        /// Keypad digits, sent out of band (RFC 4733 style) and read by the agent as typed digits.
        case dtmf(String)
        /// Stay silent this long before the next turn.
        case silence(milliseconds: Int)
        /// Hang up.
        case hangUp
    }

    public var action: Action
    /// Regular expression over the agent's latest reply that triggers this turn.
    public var when: String?
    /// Speak this long after the agent's reply starts playing, over it (barge-in).
    public var bargeInAfterMs: Int?
    /// Extra wait after the agent finished before speaking (hesitation).
    public var delayMs: Int
    /// A reactive turn that need not fire for the call to pass.
    public var optional: Bool
    public var expect: TurnExpectation
    /// A recording of the line (a WAV, any rate, mono or the left channel) played instead of
    /// synthesising `say`; the text stays the reference for caller-side WER.
    public var audioFile: String?
    /// 1-based line in the scenario file, for messages.
    public var line: Int

    public init(action: Action, when: String? = nil, bargeInAfterMs: Int? = nil, delayMs: Int = 0, optional: Bool = false,
                expect: TurnExpectation = TurnExpectation(), audioFile: String? = nil, line: Int = 0) {
        self.audioFile = audioFile
        self.action = action
        self.when = when
        self.bargeInAfterMs = bargeInAfterMs
        self.delayMs = delayMs
        self.optional = optional
        self.expect = expect
        self.line = line
    }

    /// The words said (for WER and transcripts); nil for keypad, silence and hang-up.
    public var spokenText: String? {
        if case let .say(text) = action { return text }
        return nil
    }

    /// A short label for reports.
    public var label: String {
        switch action {
        case let .say(t): return bargeInAfterMs != nil ? "say (barge-in): \(t)" : "say: \(t)"
        case let .dtmf(d): return "dtmf: \(d)"
        case let .silence(ms): return "silence: \(ms) ms"
        case .hangUp: return "hang up"
        }
    }
}

/// What the agent's answer to one caller turn must satisfy.
public struct TurnExpectation: Sendable, Equatable {
    /// Voice-to-voice budget for the agent's answer.
    public var maxLatencyMs: Double?
    /// Regular expressions the answer must match (each).
    public var agentSays: [String]
    /// Regular expressions the answer must not match.
    public var agentNeverSays: [String]

    public init(maxLatencyMs: Double? = nil, agentSays: [String] = [], agentNeverSays: [String] = []) {
        self.maxLatencyMs = maxLatencyMs
        self.agentSays = agentSays
        self.agentNeverSays = agentNeverSays
    }

    public var isEmpty: Bool { maxLatencyMs == nil && agentSays.isEmpty && agentNeverSays.isEmpty }
}
