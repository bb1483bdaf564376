/// A database check a tool call's arguments must pass before the tool runs for the LLM brain:
/// `sql` (bound with the call's arguments by `:name`) must return at least one row, else `problem`
/// is what went wrong, told to the model so it can correct itself.
///
///     requires:
///       - sql: "SELECT 1 FROM slots WHERE date = :day AND time = :time AND patient_id IS NULL"
///         problem: "that time is not free on that day"
public struct ToolRequirement: Sendable, Equatable, Decodable {
    public var sql: SQLToolSpec
    public var problem: String

    enum CodingKeys: String, CodingKey, CaseIterable { case sql, problem }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        sql = try c.decode(SQLToolSpec.self, forKey: .sql)
        problem = try c.decode(String.self, forKey: .problem)
        let query = sql.query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard query.hasPrefix("select") || query.hasPrefix("with") else {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent) + ["sql"], field: "sql", problem: "a requirement must be a query (SELECT), not a change",
                                  suggestion: "write a SELECT that returns a row when the arguments are acceptable")
        }
    }
}
