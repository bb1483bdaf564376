/// Something a caller can want, recognised from example phrases, with the slots it needs.
public struct IntentDefinition: Sendable, Equatable, Decodable {
    public var name: String
    /// One sentence for the LLM's tool schema and the handoff summary.
    public var description: String
    public var examples: [String]
    /// Slots that may be filled straight from the first utterance ("book me for next Tuesday").
    public var slots: [String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, examples, slots
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? name
        examples = try c.decode([String].self, forKey: .examples)
        slots = try c.decodeIfPresent([String].self, forKey: .slots) ?? []
    }
}
