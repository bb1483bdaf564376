import Foundation
import GRDB
import Logging
import RingsideCore

/// `ringside talk --text`: a conversation with an agent by typing, one caller line per input line.
///
/// Prints `agent: …` for each reply and `tool: NAME ARGS -> RESULT` for each tool call (redacted),
/// or every event as a JSON line with `json`. Lives here, not in the executable, so tests can run it.
public struct TextMode: Sendable {
    /// How a text conversation is set up.
    public struct Options: Sendable {
        public var agentDirectory: URL
        public var json = false
        public var approval: ApprovalMode = .denyAll
        public var approvalTimeout: Double?
        /// Work on this database file (it is changed); nil builds a fresh one from the seed in a temp folder.
        public var database: URL?
        public var auditLog: URL?
        public var memory: URL?
        public var callerID: String?
        public var today: CalendarDay?
        public var useLLM = false
        /// Show a `you> ` prompt (interactive terminal).
        public var prompt = false
        public var clock: any CallClock = MonotonicClock()
        public var asker: ApprovalDesk.Asker?

        public init(agentDirectory: URL) {
            self.agentDirectory = agentDirectory
        }
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Runs the conversation until input ends, the agent hangs up or hands over.
    /// `readLine` gives the next caller line (nil at the end); `write` prints one output line.
    public func run(readLine: @escaping @Sendable () async -> String?, write: @escaping @Sendable (String) -> Void, prompt: @escaping @Sendable (String) -> Void = { _ in }) async throws(LocatedError) {
        let agent = try AgentLoader.load(directory: options.agentDirectory)
        let database: DatabaseQueue?
        var scratch: URL?
        if let path = options.database {
            database = try AgentDatabase.open(at: path)
        } else if agent.database == nil {
            database = nil
        } else {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-talk-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            scratch = folder
            database = try AgentDatabase.create(at: folder.appendingPathComponent("agent.sqlite"), definition: agent)
        }
        defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }

        let json = options.json
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let callID = "talk-\(UUID().uuidString.prefix(8).lowercased())"
        // The text conversation is its own session: it numbers the turns, one per caller line.
        let events = EventCollector(callID: callID, clock: options.clock) { event in
            if json {
                if let data = try? encoder.encode(event) { write(String(decoding: data, as: UTF8.self)) }
            } else if let line = TextMode.describe(event.payload) {
                write(line)
            }
        }
        var conversationOptions = ConversationOptions(
            callID: callID, clock: options.clock, events: events,
            approvalMode: options.approval, approvalTimeout: options.approvalTimeout, asker: options.asker,
            auditURL: options.auditLog, memoryURL: options.memory, today: options.today, useLLM: options.useLLM
        )
        conversationOptions.onSentence = nil
        let conversation = try Conversation(agent: agent, database: database, options: conversationOptions)
        let greeting = await conversation.start(callerID: options.callerID)
        if !json { write("agent: " + greeting.text) }
        var ended = "caller hung up"
        while true {
            if options.prompt { prompt("you> ") }
            guard let line = await readLine() else { break }
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            events.nextTurn()
            conversation.tracer.emit(.finalTranscript(speaker: .caller, text: text, confidence: 1), stage: .stt)
            let turn = await conversation.hear(text)
            if !json { write("agent: " + conversation.tracer.redactor.redact(turn.text)) }
            if turn.handoff != nil { ended = "transferred to a human"; break }
            if turn.hangUp { ended = "agent said goodbye"; break }
        }
        await conversation.end(reason: ended)
        conversation.tracer.emit(.callEnded(reason: ended), stage: .session)
    }

    /// The plain-text line for an event, or nil for events the text mode does not show.
    static func describe(_ payload: CallEventPayload) -> String? {
        switch payload {
        case .toolFinished(let t):
            return "tool: \(t.tool) \(t.arguments) -> \(t.result ?? "")\(t.attempt == 0 ? " (cached)" : "")"
        case .toolFailed(let t, let error):
            return "tool: \(t.tool) \(t.arguments) -> error: \(error) (attempt \(t.attempt))"
        case .approvalRequested(let id, let tool, let arguments):
            return "approval: \(tool) \(arguments) waiting for a decision (\(id))"
        case .approvalDecided(let id, let approved, let by):
            return "approval: \(id) \(approved ? "approved" : "denied") by \(by)"
        case .escalated(let summary, let target):
            return "handoff: \(target ?? "human") <- \(summary)"
        default:
            return nil
        }
    }
}
