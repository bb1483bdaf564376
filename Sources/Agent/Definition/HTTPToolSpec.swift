/// A JSON POST to a URL, with headers from environment variables, timeout, retries and a response schema.
public struct HTTPToolSpec: Sendable, Equatable, Decodable {
    public var url: String
    /// Header name to the environment variable holding its value (secrets never live in the file).
    public var headersFromEnv: [String: String]
    public var timeout: Double
    /// Attempts after the first.
    public var retries: Int
    /// First wait between attempts, doubled each time.
    public var backoff: Double
    /// Required top-level fields of the JSON response and their types.
    public var response: [String: String]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, timeout, retries, backoff, response
        case headersFromEnv = "headers_from_env"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        headersFromEnv = try c.decodeIfPresent([String: String].self, forKey: .headersFromEnv) ?? [:]
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? 5
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? 2
        backoff = try c.decodeIfPresent(Double.self, forKey: .backoff) ?? 0.2
        response = try c.decodeIfPresent([String: String].self, forKey: .response) ?? [:]
        for (field, type) in response where !JSONSchemaCheck.knownTypes.contains(type) {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent) + ["response", field], field: field, problem: "unknown response type '\(type)'", suggestion: "use one of " + JSONSchemaCheck.knownTypes.sorted().joined(separator: ", "))
        }
    }
}
