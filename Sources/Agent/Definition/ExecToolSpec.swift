/// A local command that reads the arguments as JSON on stdin and writes its result as JSON on stdout.
public struct ExecToolSpec: Sendable, Equatable, Decodable {
    /// The program and its arguments; a relative program path is taken from the agent's folder.
    public var command: [String]
    /// Seconds before the command is killed.
    public var timeout: Double
    public var retries: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case command, timeout, retries }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        command = try c.decode([String].self, forKey: .command)
        timeout = try c.decodeIfPresent(Double.self, forKey: .timeout) ?? 5
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? 0
        if command.isEmpty {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent) + ["command"], field: "command", problem: "the command is empty", suggestion: "give the program and its arguments as a list")
        }
    }
}
