/// A tool the agent can call: a named SQL query, an HTTP endpoint or a local command.
public struct ToolDefinition: Sendable, Equatable, Decodable {
    /// How the tool is reached. Exactly one per tool.
    public enum Kind: Sendable, Equatable {
        case sql(SQLToolSpec)
        case http(HTTPToolSpec)
        case exec(ExecToolSpec)
    }

    /// Filled in from the key the tool is declared under.
    public var name: String = ""
    public var description: String
    public var kind: Kind
    /// Parameters the caller of the tool must pass, with their JSON types (for the LLM's schema).
    public var parameters: [String: ToolParameter]
    /// Changes the world (a booking, a cancellation); needs a confirmation step before it in a flow.
    public var writes: Bool
    /// Read-only results are cached within a call for this many seconds (0: never).
    public var cacheTTL: Double
    /// Spoken when the tool fails.
    public var fallback: String
    /// Offered to the LLM brain as a function. Off unless the agent file says so: internal tools
    /// (every patient's name, for recognising names) must never reach a model.
    public var llm: Bool
    /// Database checks a call's arguments must pass before the tool runs for the LLM (a real slot,
    /// a real patient); each is a query with the tool's `:name` placeholders that must return a row.
    public var requires: [ToolRequirement]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case description, sql, http, exec, parameters, writes, fallback, llm, requires
        case cacheTTL = "cache_ttl"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        var kinds: [Kind] = []
        if let s = try c.decodeIfPresent(SQLToolSpec.self, forKey: .sql) { kinds.append(.sql(s)) }
        if let s = try c.decodeIfPresent(HTTPToolSpec.self, forKey: .http) { kinds.append(.http(s)) }
        if let s = try c.decodeIfPresent(ExecToolSpec.self, forKey: .exec) { kinds.append(.exec(s)) }
        guard kinds.count == 1, let kind = kinds.first else {
            throw DefinitionIssue(
                path: decoder.codingPath.map(\.pathComponent), field: "tool",
                problem: kinds.isEmpty ? "the tool has no kind" : "the tool has more than one kind",
                suggestion: "give it exactly one of sql, http or exec"
            )
        }
        self.kind = kind
        parameters = try c.decodeIfPresent([String: ToolParameter].self, forKey: .parameters) ?? [:]
        writes = try c.decodeIfPresent(Bool.self, forKey: .writes) ?? false
        cacheTTL = try c.decodeIfPresent(Double.self, forKey: .cacheTTL) ?? 0
        fallback = try c.decodeIfPresent(String.self, forKey: .fallback)
            ?? "Sorry, I can't reach that system right now."
        llm = try c.decodeIfPresent(Bool.self, forKey: .llm) ?? false
        requires = try c.decodeIfPresent([ToolRequirement].self, forKey: .requires) ?? []
    }
}

/// One declared tool parameter.
public struct ToolParameter: Sendable, Equatable, Decodable {
    /// JSON type: string, number, integer or boolean.
    public var type: String
    public var description: String
    /// For strings: `date` (YYYY-MM-DD, a real calendar day) or `time` (HH:MM, 24-hour).
    public var format: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case type, description, format }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? "string"
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        format = try c.decodeIfPresent(String.self, forKey: .format)
        guard ["string", "number", "integer", "boolean"].contains(type) else {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent) + ["type"], field: "type", problem: "unknown parameter type '\(type)'", suggestion: "use string, number, integer or boolean")
        }
        if let format, !(type == "string" && ["date", "time"].contains(format)) {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent) + ["format"], field: "format", problem: "format '\(format)' does not apply to a parameter of type \(type)", suggestion: "use format date or time, on a string parameter")
        }
    }
}
