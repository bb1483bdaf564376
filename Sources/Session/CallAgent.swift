import RingsideCore

/// An agent's reply as the session plays it.
public struct AgentReply: Sendable, Equatable {
    /// Sentence-sized pieces, spoken in order.
    public var sentences: [String]
    /// What the caller is expected to say next, for the recogniser.
    public var expects: RecognitionExpectation
    /// The agent is done: hang up once the reply has been heard.
    public var endsCall: Bool
    /// Why the call ends, when it does ("transferred to a human", "caller said goodbye").
    public var endReason: String?
    /// The agent hands the caller to a human: with `SessionConfiguration.holdOnHandoff` the call stays
    /// up, the caller on hold, until an operator takes it (or the call is transferred) instead of ending.
    public var isHandoff: Bool
    /// The reply asks for personal data: what the caller says next is redacted wherever it is written.
    public var asksForSensitive: Bool

    public init(sentences: [String], expects: RecognitionExpectation = .open, endsCall: Bool = false, endReason: String? = nil,
                isHandoff: Bool = false, asksForSensitive: Bool = false) {
        self.asksForSensitive = asksForSensitive
        self.sentences = sentences
        self.expects = expects
        self.endsCall = endsCall
        self.endReason = endReason
        self.isHandoff = isHandoff
    }

    public var text: String { sentences.joined(separator: " ") }
}

/// The brain side of a call, as the session drives it. The Agent runtime's `Conversation`
/// conforms; anything else that can answer a caller can too.
public protocol CallAgent: Sendable {
    /// The call connected: disclosure and greeting.
    func greet(callerID: String?) async -> AgentReply
    /// The caller said `text` (a final transcript).
    func answer(_ text: String, confidence: Double) async -> AgentReply
    /// The caller went on talking after `fragment` (the last turn answered): answer the whole turn,
    /// withdrawing the fragment's reply where the agent can (`heardFragmentReply`: some of it played).
    func answer(continuing fragment: String, with rest: String, confidence: Double, heardFragmentReply: Bool) async -> AgentReply
    /// The caller barged in: only `heardText` of `reply` was heard.
    func bargedIn(reply: String, heardText: String, fraction: Double) async
    /// A human operator takes the call over; the agent stops answering.
    func takeOver(by operatorName: String) async
    /// What the operator said to the caller during a takeover.
    func operatorSaid(_ text: String) async
    /// The operator hands the call back with what was said as context; the agent may carry on at once.
    func handBack(context: String) async -> AgentReply?
    /// An operator's approval decision.
    func decide(approval id: String, approved: Bool, by operatorName: String) async
    /// The call is over.
    func end(reason: String) async
}
