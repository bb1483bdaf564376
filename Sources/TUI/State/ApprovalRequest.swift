import RingsideCore

/// A tool call waiting for the operator to approve or deny it.
public struct ApprovalRequest: Sendable, Equatable {
    public var id: String
    public var tool: String
    public var arguments: String
    public var requestedAt: MediaTime

    public init(id: String, tool: String, arguments: String, requestedAt: MediaTime) {
        self.id = id
        self.tool = tool
        self.arguments = arguments
        self.requestedAt = requestedAt
    }
}
