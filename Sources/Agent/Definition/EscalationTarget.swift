/// Where a call goes when the agent hands it to a human, and what the caller hears meanwhile.
public struct EscalationTarget: Sendable, Equatable, Decodable {
    /// How a served SIP call reaches the target.
    public enum Transfer: String, Sendable, Equatable, Decodable, CaseIterable {
        /// The operator watching `ringside serve` takes the call (the default).
        case `operator`
        /// Cold transfer: the caller is sent a SIP REFER to the target and calls it itself.
        case refer
        /// Warm transfer: serve calls the target and joins the two calls' audio once it answers.
        case bridge
    }

    /// A SIP URI, queue name or phone number (a SIP URI for `refer` and `bridge`).
    public var target: String
    public var say: String
    public var transfer: Transfer

    enum CodingKeys: String, CodingKey, CaseIterable { case target, say, transfer }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        target = try c.decode(String.self, forKey: .target)
        say = try c.decodeIfPresent(String.self, forKey: .say) ?? "Let me put you through to a member of our team."
        transfer = try c.decodeIfPresent(Transfer.self, forKey: .transfer) ?? .operator
        if transfer != .operator, !(target.hasPrefix("sip:") || target.hasPrefix("sips:")) {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent) + ["target"], field: "target",
                                  problem: "transfer: \(transfer.rawValue) needs a SIP URI target, not '\(target)'",
                                  suggestion: "write the target as sip:user@host (or use transfer: operator)")
        }
    }

    public init(target: String, say: String = "Let me put you through to a member of our team.", transfer: Transfer = .operator) {
        self.target = target
        self.say = say
        self.transfer = transfer
    }
}
