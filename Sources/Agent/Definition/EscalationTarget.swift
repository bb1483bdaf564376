/// Where a call goes when the agent hands it to a human, and what the caller hears meanwhile.
public struct EscalationTarget: Sendable, Equatable, Decodable {
    /// A SIP URI, queue name or phone number.
    public var target: String
    public var say: String

    enum CodingKeys: String, CodingKey, CaseIterable { case target, say }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        target = try c.decode(String.self, forKey: .target)
        say = try c.decodeIfPresent(String.self, forKey: .say) ?? "Let me put you through to a member of our team."
    }
}
