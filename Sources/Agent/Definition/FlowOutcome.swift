/// What to do when a step does not go as hoped (nothing found, caller said no, approval denied).
public struct FlowOutcome: Sendable, Equatable, Decodable {
    /// Spoken first (a template, like every spoken text in an agent file).
    public var say: String?
    /// Slots to forget, so the flow asks for them again.
    public var clear: [String]
    public var then: FlowTransition

    enum CodingKeys: String, CodingKey, CaseIterable { case say, clear, then }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        say = try c.decodeIfPresent(String.self, forKey: .say)
        clear = try c.decodeIfPresent([String].self, forKey: .clear) ?? []
        then = try c.decodeIfPresent(FlowTransition.self, forKey: .then) ?? (clear.isEmpty ? .end : .retry)
    }

    public init(say: String?, clear: [String] = [], then: FlowTransition) {
        self.say = say
        self.clear = clear
        self.then = then
    }
}

/// Where a flow goes after an outcome.
public enum FlowTransition: String, Sendable, Equatable, Decodable, CaseIterable {
    /// Finish this request and ask whether there is anything else.
    case end
    /// Go on from the top of the flow, asking again for whatever was cleared.
    case retry
    /// Hand the call to a human.
    case escalate
    /// Say goodbye and hang up.
    case hangup
}
