/// An OpenAI-compatible chat-completions server to use as the brain (with the intent engine as fallback).
public struct LLMSettings: Sendable, Equatable, Decodable {
    /// Base URL, e.g. `http://127.0.0.1:8080/v1`; `/chat/completions` is appended.
    public var url: String
    public var model: String
    /// The environment variable holding the API key, if the server needs one.
    public var apiKeyEnv: String?
    /// Seconds one request may take.
    public var timeout: Double
    public var stream: Bool
    public var temperature: Double
    /// The most tokens one reply may have (sent as `max_tokens`): a phone reply is a sentence or two.
    public var maxTokens: Int
    /// Seconds a whole caller turn may take on the LLM (every request and tool of it); past it the
    /// intent engine answers instead.
    public var turnBudget: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, model, timeout, stream, temperature
        case apiKeyEnv = "api_key_env"
        case maxTokens = "max_tokens"
        case turnBudget = "turn_budget"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        model = try c.decode(String.self, forKey: .model)
        apiKeyEnv = try c.decodeIfPresent(String.self, forKey: .apiKeyEnv)
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? 20
        stream = try c.decodeIfPresent(Bool.self, forKey: .stream) ?? true
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? 0
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? 160
        turnBudget = try c.decodeIfPresent(Double.self, forKey: .turnBudget) ?? 10
        guard maxTokens > 0, turnBudget > 0 else {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent), field: maxTokens > 0 ? "turn_budget" : "max_tokens",
                                  problem: "must be above zero", suggestion: "e.g. max_tokens: 160, turn_budget: 10")
        }
    }

    public init(url: String, model: String, apiKeyEnv: String? = nil, timeout: Double = 20, stream: Bool = true, temperature: Double = 0, maxTokens: Int = 160, turnBudget: Double = 10) {
        self.url = url
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.timeout = timeout
        self.stream = stream
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.turnBudget = turnBudget
    }
}
