/// What must be true of the whole call once it has ended.
public struct CallAssertions: Sendable, Equatable {
    /// Tool calls that must happen, in this order, with at least these arguments.
    public var toolsCalled: [ExpectedToolCall]
    /// Tools that must not be called (with these arguments, when given).
    public var toolsNotCalled: [ExpectedToolCall]
    /// Whether the call must (true) or must not (false) be escalated to a human; nil: either.
    public var escalation: Bool?
    /// Whether an approval must (true) or must not (false) be requested; nil: either.
    public var approvalRequested: Bool?
    /// Queries on the agent's database after the call, with the rows they must return.
    public var sql: [DatabaseCheck]
    /// The agent's first words must be its AI disclosure.
    public var disclosureFirst: Bool
    /// Regular expressions something the agent said must match.
    public var agentSays: [String]
    /// Regular expressions nothing the agent said may match.
    public var agentNeverSays: [String]
    /// Texts that must not appear in any file of the recording (PII redaction).
    public var notInRecording: [String]
    /// Regular expression the call's end reason must match.
    public var endReason: String?

    public init(toolsCalled: [ExpectedToolCall] = [], toolsNotCalled: [ExpectedToolCall] = [], escalation: Bool? = nil,
                approvalRequested: Bool? = nil, sql: [DatabaseCheck] = [], disclosureFirst: Bool = false, agentSays: [String] = [],
                agentNeverSays: [String] = [], notInRecording: [String] = [], endReason: String? = nil) {
        self.toolsCalled = toolsCalled
        self.toolsNotCalled = toolsNotCalled
        self.escalation = escalation
        self.approvalRequested = approvalRequested
        self.sql = sql
        self.disclosureFirst = disclosureFirst
        self.agentSays = agentSays
        self.agentNeverSays = agentNeverSays
        self.notInRecording = notInRecording
        self.endReason = endReason
    }
}

/// A tool call a scenario expects (or forbids): the tool and a subset of its arguments.
public struct ExpectedToolCall: Sendable, Equatable {
    public var tool: String
    /// Argument name → expected value as text (numbers compare numerically).
    public var arguments: [String: String]

    public init(tool: String, arguments: [String: String] = [:]) {
        self.tool = tool
        self.arguments = arguments
    }
}

/// A query on the agent's database after the call and the rows it must return (values as text).
public struct DatabaseCheck: Sendable, Equatable {
    public var query: String
    public var rows: [[String]]
    public var line: Int

    public init(query: String, rows: [[String]], line: Int = 0) {
        self.query = query
        self.rows = rows
        self.line = line
    }
}
