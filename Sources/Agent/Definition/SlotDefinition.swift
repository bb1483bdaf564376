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
    /// For a slot with a closed vocabulary (`values` or `values_from`): what to do when the caller's
    /// answer is close to none of the values (a patient not on the list). The first time the agent
    /// says `say` and asks once more, in case it misheard; the second time it says `say` and takes
    /// the way forward in `then` (`escalate`: transfer to a human, `end`, `retry`, `hangup`), with
    /// the answer kept for the human. Absent: the answer is taken as heard and the flow's lookup decides.
    public var ifUnknown: FlowOutcome?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, prompt, length, values, sensitive
        case valuesFrom = "values_from"
        case ifUnknown = "if_unknown"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try c.decode(SlotType.self, forKey: .type)
        prompt = try c.decode(String.self, forKey: .prompt)
        length = try c.decodeIfPresent(Int.self, forKey: .length)
        values = try c.decodeIfPresent([String].self, forKey: .values) ?? []
        valuesFrom = try c.decodeIfPresent(String.self, forKey: .valuesFrom)
        sensitive = try c.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false
        ifUnknown = try c.decodeIfPresent(FlowOutcome.self, forKey: .ifUnknown)
    }

    public init(type: SlotType, prompt: String, length: Int? = nil, values: [String] = [], valuesFrom: String? = nil, sensitive: Bool = false,
                ifUnknown: FlowOutcome? = nil) {
        self.type = type
        self.prompt = prompt
        self.length = length
        self.values = values
        self.valuesFrom = valuesFrom
        self.sensitive = sensitive
        self.ifUnknown = ifUnknown
    }
}
