/// One tool invocation as the tool pane lists it, updated across its attempts.
public struct ToolTraceRow: Sendable, Equatable {
    /// How the invocation stands.
    public enum Status: String, Sendable, Equatable {
        case pending, ok, failed
    }

    public var invocation: String
    public var tool: String
    /// Arguments as the event gave them (already redacted upstream).
    public var arguments: String
    /// Result summary, or the error sentence when the last attempt failed.
    public var result: String
    public var durationMs: Double?
    public var attempts: Int
    public var status: Status
    public var turn: Int

    public init(invocation: String, tool: String, arguments: String, result: String = "", durationMs: Double? = nil,
                attempts: Int = 1, status: Status = .pending, turn: Int = 0) {
        self.invocation = invocation
        self.tool = tool
        self.arguments = arguments
        self.result = result
        self.durationMs = durationMs
        self.attempts = attempts
        self.status = status
        self.turn = turn
    }
}
