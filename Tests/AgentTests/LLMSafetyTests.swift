import Foundation
import GRDB
import RingsideCore
import Testing
@testable import Agent

/// The LLM brain is safe before it is smart: what a model may call, what runs, and when the intent
/// engine answers instead. Recorded server replies, served by a real local HTTP server; a real SQLite
/// database; the real tool layer and audit log.
@Suite(.serialized) struct LLMSafetyTests {
    struct Call {
        var conversation: Conversation
        var events: EventCollector
        var database: DatabaseQueue
        var auditURL: URL
    }

    static func call(_ server: LocalServer, stream: Bool = false, turnBudget: Double = 10) async throws -> Call {
        var agent = try Fixtures.loadAgent("clinic")
        agent.llm = LLMSettings(url: server.base + "/v1", model: "recorded", timeout: 5, stream: stream, turnBudget: turnBudget)
        let folder = Fixtures.temporaryFolder()
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("clinic.sqlite"), definition: agent)
        let events = EventCollector()
        let auditURL = folder.appendingPathComponent("audit.jsonl")
        let options = ConversationOptions(callID: "safety", clock: MonotonicClock(), events: events, approvalMode: .approveAll, auditURL: auditURL, useLLM: true)
        let conversation = try Conversation(agent: agent, database: database, options: options)
        _ = await conversation.start()
        return Call(conversation: conversation, events: events, database: database, auditURL: auditURL)
    }

    /// An unstreamed reply calling one tool.
    static func toolCall(_ name: String, _ arguments: String, id: String = "c1") -> (Int, String, String) {
        let escaped = String(decoding: try! JSONEncoder().encode(arguments), as: UTF8.self)
        let body = #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":""# + id + #"","type":"function","function":{"name":""# + name + #"","arguments":"# + escaped + "}}]}}]}"
        return (200, body, "application/json")
    }

    static func text(_ content: String) -> (Int, String, String) {
        let escaped = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
        return (200, #"{"choices":[{"index":0,"message":{"role":"assistant","content":"# + escaped + "}}]}", "application/json")
    }

    static func requests(_ server: LocalServer) throws -> [JSONValue] {
        try LLMBrainTests.requests(server)
    }

    static func started(_ events: EventCollector, _ tool: String) -> Int {
        events.events.filter { if case .toolStarted(let t) = $0.payload { return t.tool == tool } else { return false } }.count
    }

    static func errors(_ events: EventCollector) -> [String] {
        events.events.compactMap { if case .error(let e) = $0.payload { return e } else { return nil } }
    }

    static func bookedPatient(_ database: DatabaseQueue, day: String, time: String) throws -> Int64? {
        try database.read { db in try Int64.fetchOne(db, sql: "SELECT patient_id FROM slots WHERE date = ? AND time = ?", arguments: [day, time]) }
    }

    /// A caller turn the intent engine cannot place, so the hybrid asks the LLM.
    static let vague = "hmm so I was kind of wondering about something"

    @Test func onlyToolsTheAgentFileMarksAreOfferedWithMaxTokens() async throws {
        let server = try LocalServer(replies: [Self.text("Happy to help.")])
        defer { server.stop() }
        let call = try await Self.call(server)
        _ = await call.conversation.hear(Self.vague)
        let request = try #require(try Self.requests(server).first)
        let names = Set(request["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } ?? [])
        #expect(!names.contains("patient_names"))
        #expect(names == ["transfer_to_human", "find_patient", "free_slots", "book_slot", "next_appointment", "move_appointment", "cancel_appointment", "take_message", "opening_hours"])
        #expect(request["max_tokens"] == .number(160))
    }

    @Test func writeWithBadArgumentsNeverRunsAndTheModelIsToldWhy() async throws {
        let server = try LocalServer(replies: [
            Self.toolCall("book_slot", #"{"patient_id":12345,"day":"2019-07-15T14:38:56.923Z","time":"HH:MM"}"#),
            Self.text("Which day would suit you?"),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        let turn = await call.conversation.hear(Self.vague)
        #expect(turn.text == "Which day would suit you?")
        #expect(Self.started(call.events, "book_slot") == 0)
        let told = try Self.requests(server).last?["messages"]?.arrayValue?.last { $0["role"] == "tool" }?["content"]?.stringValue ?? ""
        #expect(told.contains("not run") && told.contains("'day' must be a date as YYYY-MM-DD"), "\(told)")
        #expect(Self.errors(call.events).contains { $0.contains("book_slot not run") })
        let audit = try String(contentsOf: call.auditURL, encoding: .utf8)
        #expect(audit.contains("llm_call_rejected"))
    }

    @Test func writeToATakenSlotOrAnUnknownPatientIsRejectedByTheDatabaseChecks() async throws {
        // Well-formed arguments that name a slot already booked (09:00 on 4 March is Maria Garcia's).
        let server = try LocalServer(replies: [
            Self.toolCall("book_slot", #"{"patient_id":1,"day":"2026-03-04","time":"09:00"}"#),
            Self.toolCall("book_slot", #"{"patient_id":999,"day":"2026-03-04","time":"14:00"}"#, id: "c2"),
            Self.text("Sorry, that time is taken."),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        _ = await call.conversation.hear(Self.vague)
        #expect(Self.started(call.events, "book_slot") == 0)
        let tools = try Self.requests(server).last?["messages"]?.arrayValue?.filter { $0["role"] == "tool" }.compactMap { $0["content"]?.stringValue } ?? []
        #expect(tools.count == 2)
        #expect(tools.first?.contains("that time is not free on that day") == true, "\(tools)")
        #expect(tools.last?.contains("no patient has that patient_id") == true, "\(tools)")
        #expect(try Self.bookedPatient(call.database, day: "2026-03-04", time: "09:00") == 2)
        #expect(try Self.bookedPatient(call.database, day: "2026-03-04", time: "14:00") == nil)
    }

    @Test func writeRunsOnlyAfterTheCallerConfirmsTheReadBack() async throws {
        let server = try LocalServer(replies: [
            Self.toolCall("find_patient", #"{"name":"John Smith","dob":"1980-03-04"}"#),
            Self.toolCall("book_slot", #"{"patient_id":"1","day":"2026-03-04","time":"14:00"}"#, id: "c2"),
            Self.toolCall("transfer_to_human", #"{"reason":"asked for the nurse"}"#, id: "c3"),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        let readBack = await call.conversation.hear(Self.vague)
        // The agent file's own confirmation, with the looked-up patient and the spoken date and time.
        #expect(readBack.text == "To confirm: John Smith on Wednesday the 4th of March at 2 pm. Shall I book it?", "\(readBack.text)")
        #expect(readBack.expects == .yesNo)
        #expect(Self.started(call.events, "book_slot") == 0)
        #expect(try Self.bookedPatient(call.database, day: "2026-03-04", time: "14:00") == nil)

        let done = await call.conversation.hear("yes please")
        #expect(done.path.answerer == .llm)
        #expect(done.text == "You're booked for Wednesday the 4th of March at 2 pm.", "\(done.text)")
        #expect(try Self.bookedPatient(call.database, day: "2026-03-04", time: "14:00") == 1)
        #expect(Self.started(call.events, "book_slot") == 1)
        #expect(try Self.requests(server).count == 2)

        // What the LLM did is in the handoff summary and the audit log.
        let transfer = await call.conversation.hear("can I ask the nurse something about my medication")
        let handoff = try #require(transfer.handoff)
        #expect(handoff.done.contains { $0.hasPrefix("book_slot") }, "\(handoff.done)")
        let audit = try String(contentsOf: call.auditURL, encoding: .utf8)
        #expect(audit.contains("llm_read_back") && audit.contains("llm_read_back_confirmed"))
    }

    static func messages(_ database: DatabaseQueue) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: "SELECT name || '|' || text || '|' || day FROM messages ORDER BY id") }
    }

    /// Take-a-message on the LLM path: read back with the agent file's own words, kept only after a yes,
    /// and with the day the call knows: the model is not asked for it, and a day it makes up anyway is not kept.
    @Test func aMessageIsReadBackThenKeptWithTheCallsOwnDay() async throws {
        let server = try LocalServer(replies: [
            Self.toolCall("take_message", #"{"name":"Suzanne Clark","text":"please call me back about my test results","day":"2019-07-15"}"#),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        let readBack = await call.conversation.hear(Self.vague)
        #expect(readBack.text == "I'll pass this on to the front desk from Suzanne Clark: please call me back about my test results. Is that right?", "\(readBack.text)")
        #expect(readBack.expects == .yesNo)
        #expect(Self.started(call.events, "take_message") == 0)
        #expect(try Self.messages(call.database).isEmpty)
        let schema = try Self.requests(server).first?["tools"]?.arrayValue?.first { $0["function"]?["name"] == "take_message" }
        let asked = Set(schema?["function"]?["parameters"]?["properties"]?.objectValue?.keys.map { $0 } ?? [])
        #expect(asked == ["name", "text"], "\(asked)")

        let done = await call.conversation.hear("yes")
        #expect(done.text == "Thank you, I've passed your message on. The front desk will call you back.", "\(done.text)")
        #expect(try Self.messages(call.database) == ["Suzanne Clark|please call me back about my test results|2026-03-02"])
        let audit = try String(contentsOf: call.auditURL, encoding: .utf8)
        #expect(audit.contains("llm_read_back_confirmed"))
    }

    @Test func aMessageWithNothingInItIsRejected() async throws {
        let server = try LocalServer(replies: [
            Self.toolCall("take_message", #"{"name":"Suzanne Clark","text":"  "}"#),
            Self.text("What would you like the message to say?"),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        let turn = await call.conversation.hear(Self.vague)
        #expect(turn.text == "What would you like the message to say?")
        let told = try Self.requests(server).last?["messages"]?.arrayValue?.last { $0["role"] == "tool" }?["content"]?.stringValue ?? ""
        #expect(told.contains("not run") && told.contains("'text' is empty"), "\(told)")
        #expect(try Self.messages(call.database).isEmpty)
    }

    @Test func declinedReadBackChangesNothing() async throws {
        let server = try LocalServer(replies: [
            Self.toolCall("find_patient", #"{"name":"John Smith","dob":"1980-03-04"}"#),
            Self.toolCall("book_slot", #"{"patient_id":1,"day":"2026-03-04","time":"14:00"}"#, id: "c2"),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        _ = await call.conversation.hear(Self.vague)
        let declined = await call.conversation.hear("no, that's not right")
        #expect(declined.text == "No problem. Which day would you like instead?", "\(declined.text)")
        #expect(Self.started(call.events, "book_slot") == 0)
        #expect(try Self.bookedPatient(call.database, day: "2026-03-04", time: "14:00") == nil)
    }

    @Test func unparseableArgumentsGoBackToTheModelThenTheEngineAnswers() async throws {
        let server = try LocalServer(replies: [
            Self.toolCall("free_slots", #"{day: tomorrow"#),
            Self.toolCall("free_slots", #"{"day": "#, id: "c2"),
        ])
        defer { server.stop() }
        let call = try await Self.call(server)
        let turn = await call.conversation.hear(Self.vague)
        let requests = try Self.requests(server)
        #expect(requests.count == 2)
        let told = requests.last?["messages"]?.arrayValue?.last { $0["role"] == "tool" }?["content"]?.stringValue ?? ""
        #expect(told.contains("the arguments are not a JSON object"), "\(told)")
        #expect(turn.path.answerer == .intentEngine && turn.path.reason.contains("do not parse"), "\(turn.path)")
        #expect(Self.errors(call.events).contains { $0.contains("the intent engine answers") })
        #expect(Self.started(call.events, "free_slots") == 0)
    }

    @Test func emptyReplyFallsBackToTheEngine() async throws {
        let server = try LocalServer(replies: [Self.text("   ")])
        defer { server.stop() }
        let call = try await Self.call(server)
        let turn = await call.conversation.hear(Self.vague)
        #expect(turn.path.answerer == .intentEngine && turn.path.reason.contains("empty reply"), "\(turn.path)")
        #expect(!turn.text.isEmpty)
        #expect(Self.errors(call.events).contains { $0.contains("empty reply") })
    }

    @Test func turnPastItsBudgetFallsBackToTheEngine() async throws {
        let server = try LocalServer(replies: [Self.text("Too late.")], delays: [0: 3])
        defer { server.stop() }
        let call = try await Self.call(server, turnBudget: 0.5)
        let start = ContinuousClock.now
        let turn = await call.conversation.hear(Self.vague)
        #expect(ContinuousClock.now - start < .seconds(2.5))
        #expect(turn.path.answerer == .intentEngine && turn.path.reason.contains("budget"), "\(turn.path)")
        #expect(turn.text != "Too late.")
    }

    @Test func serverThatCannotStreamAToolChoiceIsAskedUnstreamedFromThenOn() async throws {
        let refusal = #"{"error":{"message":"Automatic streaming tool choice is not supported","type":"internal_server_error"}}"#
        let server = try LocalServer(replies: [
            (500, refusal, "application/json"),
            Self.text("We're open weekdays."),
            Self.text("Anything else?"),
        ])
        defer { server.stop() }
        let call = try await Self.call(server, stream: true)
        let first = await call.conversation.hear(Self.vague)
        #expect(first.text == "We're open weekdays.")
        let second = await call.conversation.hear(Self.vague)
        #expect(second.text == "Anything else?")
        #expect(try Self.requests(server).map { $0["stream"] } == [.bool(true), .bool(false), .bool(false)])
        #expect(Self.errors(call.events).filter { $0.contains("cannot stream") }.count == 1)
    }

    @Test func repeatedToolCallIdsAreMadeUnique() async throws {
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"opening_hours","arguments":"{}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_0","type":"function","function":{"name":"free_slots","arguments":"{\"day\":\"2026-03-04\"}"}}]}}]}"#,
        ]
        let server = try LocalServer(replies: [(200, LLMBrainTests.sse(chunks), "text/event-stream"), LLMBrainTests.textStream(["Open weekdays, and free at two."])])
        defer { server.stop() }
        let call = try await Self.call(server, stream: true)
        _ = await call.conversation.hear(Self.vague)
        let messages = try Self.requests(server).last?["messages"]?.arrayValue ?? []
        let ids = messages.filter { $0["role"] == "tool" }.compactMap { $0["tool_call_id"]?.stringValue }
        #expect(ids.count == 2 && Set(ids).count == 2, "\(ids)")
    }

    @Test func bypassThresholdDefaultsToTheEnginesConfidenceThreshold() throws {
        let agent = try Fixtures.loadAgent("clinic")
        #expect(agent.policies.llmBypassConfidence == agent.policies.confidenceThreshold)
    }
}
