import RingsideCore

/// Decides what the agent says and does next. The intent engine is the embedded default;
/// `LLMBrain` and `HybridBrain` plug in behind the same two calls.
public protocol Brain: Sendable {
    /// The agent's next turn for what the caller just did.
    func respond(to input: CallerInput) async -> BrainTurn
    /// Context that is not a caller turn: what of a reply was heard, a human's lines during takeover.
    func note(_ note: ContextNote) async
    /// The agent's turn when a human hands the call back; nil to wait for the caller.
    func resume() async -> BrainTurn?
    /// Everything the brain remembers of the call so far, to go back to with `restore(_:)`: the
    /// session answers a caller's first pause at once, and when the caller turns out to have gone on
    /// talking the brain is put back to before that fragment and answers the whole turn instead.
    /// Nil when the brain cannot go back (then the fragment stays a turn of its own).
    func checkpoint() async -> BrainCheckpoint?
    /// Returns to a state taken by `checkpoint()` of this same brain.
    func restore(_ checkpoint: BrainCheckpoint) async
    /// What the agent waits for, asked in other words than the first time (the caller's words could
    /// not be made out twice in a row); nil when the brain has no other words for it.
    func askAgain() async -> [String]?
    /// The caller's words could not be made out: nil to ask again, or the brain's way forward when
    /// its limit of re-asks in a row is reached (a message, a human; never the end of the call).
    func unclear() async -> BrainTurn?
}

extension Brain {
    public func resume() async -> BrainTurn? { nil }
    public func checkpoint() async -> BrainCheckpoint? { nil }
    public func restore(_ checkpoint: BrainCheckpoint) async {}
    public func askAgain() async -> [String]? { nil }
    public func unclear() async -> BrainTurn? { nil }
}

/// A brain's state at one moment, opaque to everyone but the brain that took it.
public struct BrainCheckpoint: @unchecked Sendable {
    /// The brain's own value type; only immutable values are stored here.
    let state: Any
    init(_ state: Any) { self.state = state }
}

/// What the caller did that the brain must answer.
public enum CallerInput: Sendable, Equatable {
    /// The call connected; `callerID` is the caller's number or SIP identity when known.
    case callStarted(callerID: String?)
    /// A final transcript of the caller's words.
    case utterance(String, confidence: Double)
}

/// Things the brain should know that need no answer.
public enum ContextNote: Sendable, Equatable {
    /// The caller barged in: only `heard` of `reply` reached them.
    case partiallyHeard(reply: String, heard: String)
    /// During a takeover, the human operator said this to the caller.
    case operatorSaid(String)
    /// During a takeover, the caller said this to the human.
    case callerSaidToOperator(String)
    /// The human handed the call back to the agent.
    case handedBack
}

/// One turn of the agent, as the session needs it.
public struct BrainTurn: Sendable, Equatable {
    /// The reply in sentence-sized pieces, ready for TTS one by one.
    public var sentences: [String]
    /// Tools called during this turn, with their (redacted) results.
    public var toolCalls: [ToolCallTrace]
    /// What the next caller utterance should be, for the recogniser.
    public var expects: RecognitionExpectation
    public var intent: String?
    public var confidence: Double
    /// Who answered and why.
    public var path: AnswerPath
    /// Set when the call is being handed to a human.
    public var handoff: Handoff?
    /// The agent said goodbye; the session may hang up after playing the reply.
    public var hangUp: Bool
    /// The reply asks for personal data (a `sensitive` slot): the caller's answer is redacted
    /// everywhere, whether or not it is understood. Set by the conversation.
    public var asksForSensitive = false

    public init(sentences: [String], toolCalls: [ToolCallTrace] = [], expects: RecognitionExpectation = .open, intent: String? = nil, confidence: Double = 0, path: AnswerPath, handoff: Handoff? = nil, hangUp: Bool = false) {
        self.sentences = sentences
        self.toolCalls = toolCalls
        self.expects = expects
        self.intent = intent
        self.confidence = confidence
        self.path = path
        self.handoff = handoff
        self.hangUp = hangUp
    }

    /// The whole reply as one string.
    public var text: String { sentences.joined(separator: " ") }
}

/// Everything a human taking over needs to know, without asking the caller again.
public struct Handoff: Sendable, Equatable, Codable {
    public var reason: String
    public var callerID: String?
    public var intent: String?
    /// Slot values, redacted.
    public var slots: [String: String]
    /// What the agent already did, in order.
    public var done: [String]
    public var target: String

    public init(reason: String, callerID: String?, intent: String?, slots: [String: String], done: [String], target: String) {
        self.reason = reason
        self.callerID = callerID
        self.intent = intent
        self.slots = slots
        self.done = done
        self.target = target
    }

    /// One paragraph for the operator's screen and the escalation event.
    public var summary: String {
        var parts = ["Reason: \(reason)."]
        parts.append("Caller: \(callerID ?? "unknown").")
        parts.append("Intent: \(intent ?? "none").")
        if !slots.isEmpty {
            parts.append("Details: " + slots.keys.sorted().map { "\($0)=\(slots[$0] ?? "")" }.joined(separator: ", ") + ".")
        }
        parts.append(done.isEmpty ? "Nothing done yet." : "Done: " + done.joined(separator: "; ") + ".")
        return parts.joined(separator: " ")
    }
}
