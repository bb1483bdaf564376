import Agent
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
    /// The caller spoke, but the words could not be made out (the recogniser's final is empty):
    /// ask again without taking it as an answer.
    func unclear() async -> AgentReply
    /// The caller barged in: only `heardText` of `reply` was heard.
    func bargedIn(reply: String, heardText: String, fraction: Double) async
    /// A human operator takes the call over; the agent stops answering.
    func takeOver(by operatorName: String) async
    /// What the operator said to the caller during a takeover.
    func operatorSaid(_ text: String) async
    /// The operator hands the call back with what was said as context; the agent may carry on at once.
    func handBack(context: String) async -> AgentReply?
    /// Taken over and handed back in front of this call (by `ringside supervise`), which passes what
    /// was said meanwhile ("caller: …" / "operator: …" lines): the agent learns it all, then may carry on.
    func handedBack(relayed context: String) async -> AgentReply?
    /// The same lines passed on while this agent was not taken over: it learns them and carries on
    /// (nothing is said for them).
    func noteContext(relayed context: String) async
    /// An operator's approval decision.
    func decide(approval id: String, approved: Bool, by operatorName: String) async
    /// The call is over.
    func end(reason: String) async
    /// What the agent would answer if the caller's turn ended on `text` (heard at a pause), worked
    /// out without committing to it: nothing is written, published or remembered until `adopt(_:)`.
    /// Nil when the agent cannot answer speculatively.
    func speculate(_ text: String, confidence: Double) async -> SpeculativeReply?
    /// The caller's turn ended on the speculation's words: make it the agent's answer. False when
    /// it cannot stand (a tool it needed was refused, the agent moved on); then `answer` is asked.
    func adopt(_ speculation: SpeculativeReply) async -> Bool
}

extension CallAgent {
    public func unclear() async -> AgentReply { AgentReply(sentences: [Reask.notCaught, "Could you say that again?"]) }
    public func speculate(_ text: String, confidence: Double) async -> SpeculativeReply? { nil }
    public func adopt(_ speculation: SpeculativeReply) async -> Bool { false }
    public func handedBack(relayed context: String) async -> AgentReply? { await handBack(context: context) }
    public func noteContext(relayed context: String) async {}
}

/// A reply an agent worked out at the caller's pause, before the turn was known to be over.
public struct SpeculativeReply: Sendable {
    public var reply: AgentReply
    /// Why the reply cannot be played as it is (a tool that writes was refused), if it cannot.
    public var unusable: String?
    /// The agent's own record of the speculation, for `adopt(_:)`.
    public var token: any Sendable

    public init(reply: AgentReply, unusable: String? = nil, token: any Sendable = ()) {
        self.reply = reply
        self.unusable = unusable
        self.token = token
    }
}
