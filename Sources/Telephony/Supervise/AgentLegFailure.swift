/// What a caller of `ringside supervise` is told when the call to the remote agent does not connect:
/// the final response to their INVITE. A busy, declining or missing agent is passed on as such; a
/// leg that fails otherwise is a 502 naming the agent's answer; an agent that does not answer in time
/// is a 480. The reason phrase says which, so the caller's phone (and its log) shows it.
public struct AgentLegFailure: Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let phrase: String

    public init(status: Int, phrase: String) {
        self.status = status
        self.phrase = phrase
    }

    /// The agent did not answer within `seconds` (its INVITE was cancelled).
    public static func noAnswer(within seconds: Double) -> AgentLegFailure {
        AgentLegFailure(status: 480, phrase: "Agent Did Not Answer Within \(Int(seconds.rounded())) s")
    }

    /// The agent leg ended before it connected, for `reason` (the user agent's: "486 Busy Here",
    /// "cannot create a SIP handle for …", "cancelled").
    public static func ended(reason: String) -> AgentLegFailure {
        let code = Int(reason.prefix(3)).flatMap { (300...699).contains($0) ? $0 : nil }
        let agentSaid = clean(reason.split(separator: " ").dropFirst().joined(separator: " "))
        switch code {
        case 486, 600: return AgentLegFailure(status: 486, phrase: "Agent Busy")
        case 603: return AgentLegFailure(status: 603, phrase: "Agent Declined")
        case 404, 484, 604: return AgentLegFailure(status: 404, phrase: "Agent Not Found")
        case 408, 480: return AgentLegFailure(status: 480, phrase: "Agent Unavailable (\(agentSaid))")
        case let code?: return AgentLegFailure(status: 502, phrase: "Agent Leg Failed (\(code) \(agentSaid))")
        case nil: return AgentLegFailure(status: 502, phrase: "Agent Leg Failed (\(Self.clean(reason)))")
        }
    }

    /// A reason phrase is one line of text: no control characters, at most 100 characters.
    private static func clean(_ text: String) -> String {
        String(text.map { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true ? " " : $0 }.prefix(100))
    }

    public var description: String { "\(status) \(phrase)" }
}
