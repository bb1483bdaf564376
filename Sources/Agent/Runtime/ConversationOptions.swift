import Foundation
import Logging
import RingsideCore

/// Everything about one call that is not in the agent file: ids, clock, where events and the audit
/// go, how approvals are answered, and which brain to use.
public struct ConversationOptions: Sendable {
    public var callID: String
    public var clock: any CallClock
    /// Where the agent's facts go; the implementer stamps them (the session's bus in a call).
    public var events: any CallEventEmitter
    public var approvalMode: ApprovalMode
    /// Overrides the agent file's approval timeout (seconds).
    public var approvalTimeout: Double?
    public var asker: ApprovalDesk.Asker?
    /// Approval answers a scenario gives in advance, by tool name (true approves).
    public var approvalPresets: [String: Bool] = [:]
    public var auditURL: URL?
    public var memoryURL: URL?
    /// "Today" for dates the caller says; defaults to the agent's reference date, then the real date.
    public var today: CalendarDay?
    /// Wall-clock time for memory retention.
    public var wallClockNow: Date
    /// Use the agent's LLM (hybrid with the intent engine) when it declares one.
    public var useLLM: Bool
    public var environment: [String: String]
    /// Replaces the tools built from the agent file (tests inject faults here).
    public var tools: [String: any Tool]?
    /// Called with each sentence as soon as it is complete (streaming LLM replies), for early TTS.
    public var onSentence: (@Sendable (String) -> Void)?
    public var logger: Logger
    /// The call's redactor, shared with whoever else writes the call's text (the session's event bus),
    /// so values learned to be sensitive are hidden everywhere; nil makes one from the agent's policies.
    public var redactor: Redactor?

    public init(callID: String = "call-1", clock: any CallClock = MonotonicClock(), events: any CallEventEmitter = EventCollector(), approvalMode: ApprovalMode = .ask, approvalTimeout: Double? = nil, asker: ApprovalDesk.Asker? = nil, auditURL: URL? = nil, memoryURL: URL? = nil, today: CalendarDay? = nil, wallClockNow: Date = Date(), useLLM: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment, tools: [String: any Tool]? = nil, onSentence: (@Sendable (String) -> Void)? = nil, logger: Logger = Logger(label: "ringside.agent")) {
        self.callID = callID
        self.clock = clock
        self.events = events
        self.approvalMode = approvalMode
        self.approvalTimeout = approvalTimeout
        self.asker = asker
        self.auditURL = auditURL
        self.memoryURL = memoryURL
        self.today = today
        self.wallClockNow = wallClockNow
        self.useLLM = useLLM
        self.environment = environment
        self.tools = tools
        self.onSentence = onSentence
        self.logger = logger
    }
}
