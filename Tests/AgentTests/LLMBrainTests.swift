import Foundation
import RingsideCore
import Synchronization
import Testing
@testable import Agent

/// The LLM brain against recorded SSE streams served by a real local HTTP server, and hybrid routing.
@Suite(.serialized) struct LLMBrainTests {
    static func sse(_ chunks: [String], done: Bool = true) -> String {
        chunks.map { "data: \($0)\n\n" }.joined() + (done ? "data: [DONE]\n\n" : "")
    }

    static func textStream(_ pieces: [String]) -> (Int, String, String) {
        let chunks = [#"{"choices":[{"index":0,"delta":{"role":"assistant"}}]}"#] + pieces.map { piece in
            let escaped = String(decoding: try! JSONEncoder().encode(piece), as: UTF8.self)
            return #"{"choices":[{"index":0,"delta":{"content":"# + escaped + "}}]}"
        }
        return (200, sse(chunks), "text/event-stream")
    }

    final class SentenceLog: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    struct Call {
        var conversation: Conversation
        var events: EventCollector
        var sentences: SentenceLog
    }

    static func call(url: String) async throws -> Call {
        var agent = try Fixtures.loadAgent("clinic")
        agent.llm = LLMSettings(url: url, model: "recorded", timeout: 5)
        let folder = Fixtures.temporaryFolder()
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("clinic.sqlite"), definition: agent)
        let events = EventCollector()
        let sentences = SentenceLog()
        let options = ConversationOptions(callID: "llm", clock: MonotonicClock(), events: events, approvalMode: .denyAll, useLLM: true,
                                          onSentence: { sentence in sentences.append(sentence) })
        let conversation = try Conversation(agent: agent, database: database, options: options)
        _ = await conversation.start()
        return Call(conversation: conversation, events: events, sentences: sentences)
    }

    static func requests(_ server: LocalServer) throws -> [JSONValue] {
        try server.log().bodies.filter { $0["path"]?.hasSuffix("/chat/completions") == true }.compactMap { JSONValue.parse($0["body"] ?? "") }
    }

    @Test func streamedTextIsHandedOnSentenceBySentence() async throws {
        let server = try LocalServer(replies: [Self.textStream(["Sure. Why did", " the doctor smile? ", "Good patients."])])
        defer { server.stop() }
        let call = try await Self.call(url: server.base + "/v1")
        let turn = await call.conversation.hear("tell me a funny joke")
        #expect(turn.sentences == ["Sure.", "Why did the doctor smile?", "Good patients."])
        #expect(call.sentences.all == ["Sure.", "Why did the doctor smile?", "Good patients."])
        #expect(turn.path.answerer == .llm && turn.path.hybrid)
        let requests = try Self.requests(server)
        #expect(requests.count == 1)
        #expect(requests.first?["stream"] == .bool(true))
        #expect(requests.first?["tools"]?.arrayValue?.contains { $0["function"]?["name"] == "book_slot" } == true)
    }

    @Test func streamedToolCallChunksAreMergedByIndex() async throws {
        let toolStream = Self.sse([
            #"{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_7","type":"function","function":{"name":"opening_hours","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_7","type":"function","function":{"name":"opening_hours","arguments":"{"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_7","function":{"name":"opening_hours","arguments":"}"}}]}}]}"#,
        ])
        let server = try LocalServer(replies: [(200, toolStream, "text/event-stream"), Self.textStream(["We're open weekdays from 8 to 6."])])
        defer { server.stop() }
        let call = try await Self.call(url: server.base + "/v1")
        let turn = await call.conversation.hear("could you tell me something about your clinic")
        #expect(turn.text == "We're open weekdays from 8 to 6.")
        #expect(turn.toolCalls.map(\.tool) == ["opening_hours"])
        let finished = call.events.events.compactMap { if case .toolFinished(let t) = $0.payload { return t.tool } else { return nil } }
        #expect(finished == ["opening_hours"])
        let requests = try Self.requests(server)
        #expect(requests.count == 2)
        let messages = requests.last?["messages"]?.arrayValue ?? []
        let assistant = messages.first { $0["tool_calls"] != nil }
        #expect(assistant?["content"] == .string(""))
        #expect(assistant?["tool_calls"]?.arrayValue?.first?["function"]?["name"] == "opening_hours")
        #expect(assistant?["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == "{}")
        #expect(messages.contains { $0["role"] == "tool" && $0["tool_call_id"] == "call_7" })
    }

    @Test func streamWithoutDoneIsRetriedUnstreamed() async throws {
        let unstreamed = #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c9","type":"function","function":{"name":"opening_hours","arguments":"{}"}}]}}]}"#
        let server = try LocalServer(replies: [
            (200, "", "text/event-stream"),
            (200, unstreamed, "application/json"),
            (200, #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Monday to Friday, 8 to 6."}}]}"#, "application/json"),
        ])
        defer { server.stop() }
        let call = try await Self.call(url: server.base + "/v1")
        let turn = await call.conversation.hear("could you tell me something about your clinic")
        #expect(turn.text == "Monday to Friday, 8 to 6.")
        let requests = try Self.requests(server)
        // Once the server showed it cannot stream a tool choice, requests offering tools go unstreamed.
        #expect(requests.map { $0["stream"] } == [.bool(true), .bool(false), .bool(false)])
        #expect(turn.toolCalls.map(\.tool) == ["opening_hours"])
        #expect(call.events.events.contains { if case .error(let e) = $0.payload { return e.contains("cannot stream") } else { return false } })
    }

    @Test func unreachableServerFallsBackToTheIntentEngine() async throws {
        let server = try LocalServer()
        let url = server.base + "/v1"
        server.stop()
        let call = try await Self.call(url: url)
        let turn = await call.conversation.hear("tell me a funny joke")
        #expect(turn.path.answerer == .intentEngine && turn.path.hybrid && turn.path.reason.hasPrefix("fallback from the LLM (LLM server unreachable"), "\(turn.path)")
        // The engine's own answer to a request none of its intents is about.
        #expect(turn.text.contains("I can't help with that, but I can help with booking an appointment"))
    }

    @Test func confidentUtterancesSkipTheLLM() async throws {
        let server = try LocalServer()
        defer { server.stop() }
        let call = try await Self.call(url: server.base + "/v1")
        let turn = await call.conversation.hear("I'd like to book an appointment")
        #expect(turn.path.answerer == .intentEngine && turn.path.hybrid && turn.path.reason.hasPrefix("book at"), "\(turn.path)")
        #expect(turn.text == "May I have your first and last name, please?")
        let next = await call.conversation.hear("John Smith")
        #expect(next.path.answerer == .intentEngine && next.path.hybrid && next.path.reason.hasPrefix("a flow is under way"), "\(next.path)")
        #expect(try Self.requests(server).isEmpty)
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["RINGSIDE_LLM_IT"] == "1",
                   "opt-in: set RINGSIDE_LLM_IT=1 and RINGSIDE_LLM_URL (and RINGSIDE_LLM_MODEL, RINGSIDE_LLM_KEY) to run against a real OpenAI-compatible server"))
    func optInIntegrationTest() async throws {
        let environment = ProcessInfo.processInfo.environment
        let url = try #require(environment["RINGSIDE_LLM_URL"], "RINGSIDE_LLM_URL names the server, e.g. http://127.0.0.1:8080/v1")
        var agent = try Fixtures.loadAgent("clinic")
        agent.llm = LLMSettings(url: url, model: environment["RINGSIDE_LLM_MODEL"] ?? "default", apiKeyEnv: "RINGSIDE_LLM_KEY", timeout: 60)
        let folder = Fixtures.temporaryFolder()
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("clinic.sqlite"), definition: agent)
        let conversation = try Conversation(agent: agent, database: database, options: ConversationOptions(approvalMode: .denyAll, useLLM: true))
        _ = await conversation.start()
        let turn = await conversation.hear("Is there somewhere to park my bicycle near you?")
        #expect(turn.path.answerer == .llm && turn.path.hybrid, "\(turn.path)")
        #expect(!turn.text.isEmpty)
    }
}

extension LLMBrainTests {
    @Test func transferFunctionHandsOverWithEscalation() async throws {
        let transfer = #"{"choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"t1","type":"function","function":{"name":"transfer_to_human","arguments":"{\"reason\":\"billing dispute\"}"}}]}}]}"#
        let server = try LocalServer(replies: [(200, transfer, "application/json")])
        defer { server.stop() }
        var agent = try Fixtures.loadAgent("clinic")
        agent.llm = LLMSettings(url: server.base + "/v1", model: "recorded", timeout: 5, stream: false)
        let events = EventCollector()
        let conversation = try Conversation(agent: agent, database: nil, options: ConversationOptions(events: events, approvalMode: .denyAll, useLLM: true))
        _ = await conversation.start()
        let turn = await conversation.hear("my bill looks wrong and I am upset")
        #expect(turn.handoff?.reason == "billing dispute")
        #expect(turn.text == agent.escalation.say)
        #expect(events.events.contains { if case .escalated = $0.payload { return true } else { return false } })
    }
}
