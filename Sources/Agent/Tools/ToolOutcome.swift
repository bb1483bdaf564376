/// How a tool invocation ended, as the dialogue needs to know it.
public enum ToolOutcome: Sendable, Equatable {
    case success(JSONValue)
    /// Every attempt failed; `fallback` is what to tell the caller.
    case failed(ToolError, fallback: String, attempts: Int)
    /// The approval gate said no (or nobody answered in time).
    case denied(ApprovalDecision)

    public var value: JSONValue? { if case .success(let v) = self { return v } else { return nil } }
}
