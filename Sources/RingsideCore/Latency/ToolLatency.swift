/// How long one attempt of one tool call took within a turn.
public struct ToolLatency: Sendable, Equatable {
    public var invocation: String
    public var tool: String
    public var attempt: Int
    public var started: MediaTime
    public var ended: MediaTime?
    public var failed: Bool

    public init(invocation: String, tool: String, attempt: Int, started: MediaTime, ended: MediaTime? = nil, failed: Bool = false) {
        self.invocation = invocation
        self.tool = tool
        self.attempt = attempt
        self.started = started
        self.ended = ended
        self.failed = failed
    }

    /// Milliseconds from start to finish or failure; nil while the attempt is still running.
    public var milliseconds: Double? { ended.map { max(0, ($0 - started).milliseconds) } }
}
