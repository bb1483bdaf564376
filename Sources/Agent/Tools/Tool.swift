/// Something the agent can do in the world: query a database, call a service, run a command.
///
/// Small on purpose (swift-log style): retries, tracing, caching, approval and audit live in
/// `ToolLayer`, so a tool only does its one thing.
public protocol Tool: Sendable {
    var definition: ToolDefinition { get }
    func call(_ arguments: JSONValue) async throws(ToolError) -> JSONValue
}
