import Agent
import RingsideCore

/// The Agent runtime's `Conversation` as the session's `CallAgent`.
public final class ConversationAgent: CallAgent {
    public let conversation: Conversation

    public init(_ conversation: Conversation) {
        self.conversation = conversation
    }

    static func reply(_ turn: BrainTurn) -> AgentReply {
        var reason: String?
        if let handoff = turn.handoff {
            reason = "transferred to \(handoff.target): \(handoff.reason)"
        } else if turn.hangUp {
            reason = "the agent ended the call"
        }
        return AgentReply(sentences: turn.sentences, expects: turn.expects, endsCall: turn.handoff != nil || turn.hangUp, endReason: reason,
                          isHandoff: turn.handoff != nil, asksForSensitive: turn.asksForSensitive)
    }

    public func greet(callerID: String?) async -> AgentReply { Self.reply(await conversation.start(callerID: callerID)) }
    public func answer(_ text: String, confidence: Double) async -> AgentReply { Self.reply(await conversation.hear(text, confidence: confidence)) }
    public func answer(continuing fragment: String, with rest: String, confidence: Double, heardFragmentReply: Bool) async -> AgentReply {
        Self.reply(await conversation.hear(continuing: fragment, with: rest, confidence: confidence, heardFragmentReply: heardFragmentReply))
    }
    public func unclear() async -> AgentReply { Self.reply(await conversation.unclear()) }
    public func bargedIn(reply: String, heardText: String, fraction: Double) async {
        await conversation.heard(partialReply: reply, heardText: heardText, fraction: fraction)
    }
    public func takeOver(by operatorName: String) async { await conversation.takeover(by: operatorName) }
    public func operatorSaid(_ text: String) async { await conversation.operatorSaid(text) }
    public func handBack(context: String) async -> AgentReply? {
        await conversation.handback(context: context).map(Self.reply)
    }
    public func handedBack(relayed context: String) async -> AgentReply? {
        await conversation.handback(relayed: context).map(Self.reply)
    }
    public func noteContext(relayed context: String) async { await conversation.note(relayed: context) }
    public func decide(approval id: String, approved: Bool, by operatorName: String) async {
        await conversation.decideApproval(id: id, approved: approved, by: operatorName)
    }
    public func end(reason: String) async { await conversation.end(reason: reason) }
    public func speculate(_ text: String, confidence: Double) async -> SpeculativeReply? {
        guard let turn = await conversation.speculate(text, confidence: confidence) else { return nil }
        let refused = turn.refusedTools.isEmpty ? nil : "it needed \(turn.refusedTools.joined(separator: ", ")), which may not run before the turn has ended"
        return SpeculativeReply(reply: Self.reply(turn.turn), unusable: refused, token: turn)
    }
    public func adopt(_ speculation: SpeculativeReply) async -> Bool {
        guard speculation.unusable == nil, let turn = speculation.token as? SpeculativeTurn else { return false }
        return await conversation.adopt(turn)
    }
}
