/// A piece of information the agent collects from the caller, and how to ask for it.
public struct SlotDefinition: Sendable, Equatable, Decodable {
    public var type: SlotType
    /// What the agent says when the slot is missing.
    public var prompt: String
    /// For `digits`: the exact number of digits (order numbers).
    public var length: Int?
    /// For `choice` and `name`: the values the caller can pick from.
    public var values: [String]
    /// A read-only SQL tool whose first column lists known values (patient names) for matching and vocabulary.
    public var valuesFrom: String?
    /// Sensitive values (dates of birth) are redacted from transcripts, traces and logs.
    public var sensitive: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, prompt, length, values, sensitive
        case valuesFrom = "values_from"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try c.decode(SlotType.self, forKey: .type)
        prompt = try c.decode(String.self, forKey: .prompt)
        length = try c.decodeIfPresent(Int.self, forKey: .length)
        values = try c.decodeIfPresent([String].self, forKey: .values) ?? []
        valuesFrom = try c.decodeIfPresent(String.self, forKey: .valuesFrom)
        sensitive = try c.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false
    }

    public init(type: SlotType, prompt: String, length: Int? = nil, values: [String] = [], valuesFrom: String? = nil, sensitive: Bool = false) {
        self.type = type
        self.prompt = prompt
        self.length = length
        self.values = values
        self.valuesFrom = valuesFrom
        self.sensitive = sensitive
    }
}
