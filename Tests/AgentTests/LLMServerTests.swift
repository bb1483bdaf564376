import Foundation
import GRDB
import RingsideCore
import Testing
@testable import Agent

/// The LLM brain against a real llama-cpp-python server (Tests/Support/install-llm.sh) on 127.0.0.1,
/// with a real small model: streamed text, a tool call the model makes, the tool result fed back,
/// the server's quirks, and a write the model asks for that never runs unconfirmed.
@Suite(.serialized) struct LLMServerTests {
    static let system: JSONValue = ["role": "system", "content": "You are the phone agent for Riverside Clinic. Answer in one short sentence."]

    static func client(_ server: LlamaServer, stream: Bool = true) -> ChatCompletionClient {
        ChatCompletionClient(settings: LLMSettings(url: server.base, model: "ringside-test", timeout: 60, stream: stream, maxTokens: 48), apiKey: nil)
    }

    static func schemas(_ names: [String]) throws -> [JSONValue] {
        let agent = try Fixtures.loadAgent("clinic")
        return LLMBrain.schemas(agent).filter { names.contains($0["function"]?["name"]?.stringValue ?? "") }
    }

    @Test func streamsTextPieceByPiece() async throws {
        let server = try await LlamaServer()
        defer { server.stop() }
        var pieces: [String] = []
        let reply = try await Self.client(server).stream(messages: [Self.system, ["role": "user", "content": "Hello, are you open today?"]], tools: [], timeout: 60) { pieces.append($0) }
        #expect(pieces.count >= 2, "\(pieces)")
        #expect(pieces.joined() == reply.content)
        #expect(!reply.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(reply.toolCalls.isEmpty)
    }

    @Test func modelCallsAToolAndAnswersFromItsResult() async throws {
        let server = try await LlamaServer()
        defer { server.stop() }
        let client = Self.client(server, stream: false)
        var messages: [JSONValue] = [Self.system, ["role": "user", "content": "What are your opening hours?"]]
        let tools = try Self.schemas(["opening_hours"])
        let choice: JSONValue = ["type": "function", "function": ["name": "opening_hours"]]
        let reply = try await client.complete(messages: messages, tools: tools, timeout: 60, toolChoice: choice)
        let call = try #require(reply.toolCalls.first)
        #expect(call.name == "opening_hours")
        #expect(JSONValue.parse(call.arguments)?.objectValue != nil, "\(call.arguments)")
        // The result goes back as a tool message after the assistant's call ("content": "" as the brain sends it).
        messages.append(["role": "assistant", "content": "", "tool_calls": [["id": .string(call.id), "type": "function", "function": ["name": "opening_hours", "arguments": .string(call.arguments)]]]])
        messages.append(["role": "tool", "tool_call_id": .string(call.id), "name": "opening_hours", "content": #"[{"summary":"Monday to Friday, 8 am to 6 pm"}]"#])
        // The server takes the conversation with the result in it (an assistant message with tool calls
        // and null content is refused by llama-cpp-python) and answers it.
        let answer = try await client.complete(messages: messages, tools: [], timeout: 60)
        #expect(answer.toolCalls.isEmpty)
    }

    @Test func streamedToolCallWithRepeatedIdsAndNamesIsMergedIntoOneCall() async throws {
        let server = try await LlamaServer()
        defer { server.stop() }
        // Forced, so the model must call it; llama-cpp-python then repeats the id and name in every chunk.
        let choice: JSONValue = ["type": "function", "function": ["name": "free_slots"]]
        let reply = try await Self.client(server).stream(messages: [Self.system, ["role": "user", "content": "Anything free on Wednesday?"]],
                                                         tools: try Self.schemas(["free_slots"]), timeout: 60, toolChoice: choice) { _ in }
        #expect(reply.toolCalls.count == 1)
        let call = try #require(reply.toolCalls.first)
        #expect(call.name == "free_slots")
        #expect(!call.id.isEmpty && call.id.components(separatedBy: "call_").count <= 3, "\(call.id)")
        #expect(JSONValue.parse(call.arguments)?["day"] != nil, "\(call.arguments)")
    }

    @Test func aCallerIsNeverLeftWithSilenceWhateverTheModelSays() async throws {
        let server = try await LlamaServer()
        defer { server.stop() }
        var agent = try Fixtures.loadAgent("clinic")
        agent.llm = LLMSettings(url: server.base, model: "ringside-test", timeout: 60, stream: true, maxTokens: 48, turnBudget: 90)
        let events = EventCollector()
        let conversation = try Conversation(agent: agent, database: nil, options: ConversationOptions(events: events, approvalMode: .denyAll, useLLM: true))
        _ = await conversation.start()
        let turn = await conversation.hear("hmm so I was kind of wondering about something")
        #expect(!turn.text.trimmingCharacters(in: .whitespaces).isEmpty)
        let errors = events.events.compactMap { if case .error(let e) = $0.payload { return e } else { return nil } }
        // The LLM answered in words, or the engine did and an error event says why the LLM could not.
        #expect(turn.path.answerer == .llm || errors.contains { $0.contains("the intent engine answers") }, "\(turn.path) \(errors)")
    }

    /// Each write the model can ask for, with what it changes: a booking, a message for the front desk.
    @Test(arguments: [
        ("book_slot", "Book me in on Wednesday at two, I'm patient twelve.", "SELECT count(*) FROM slots WHERE patient_id IS NOT NULL"),
        ("take_message", "I'm Suzanne Clark, please tell the front desk I'll be ten minutes late.", "SELECT count(*) FROM messages"),
    ])
    func writeTheModelAsksForNeverRunsWithoutAConfirmedReadBack(_ tool: String, _ said: String, _ changed: String) async throws {
        // The real model's own arguments for the write...
        let server = try await LlamaServer()
        let choice: JSONValue = ["type": "function", "function": ["name": .string(tool)]]
        let reply = try await Self.client(server, stream: false).complete(
            messages: [Self.system, ["role": "user", "content": .string(said)]],
            tools: try Self.schemas([tool]), timeout: 60, toolChoice: choice)
        server.stop()
        let call = try #require(reply.toolCalls.first)
        #expect(call.name == tool)
        // ...replayed to the brain as the server's answer (a recorded reply, so the turn is this one).
        let escaped = String(decoding: try JSONEncoder().encode(call.arguments), as: UTF8.self)
        let recorded = #"{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"r1","type":"function","function":{"name":""# + tool + #"","arguments":"# + escaped + "}}]}}]}"
        let replay = try LocalServer(replies: [(200, recorded, "application/json"), (200, #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Which day?"}}]}"#, "application/json")])
        defer { replay.stop() }
        var agent = try Fixtures.loadAgent("clinic")
        agent.llm = LLMSettings(url: replay.base + "/v1", model: "recorded", timeout: 5, stream: false)
        let folder = Fixtures.temporaryFolder()
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("clinic.sqlite"), definition: agent)
        let before = try await database.read { db in try Int.fetchOne(db, sql: changed) }
        let events = EventCollector()
        let conversation = try Conversation(agent: agent, database: database, options: ConversationOptions(events: events, approvalMode: .approveAll, useLLM: true))
        _ = await conversation.start()
        let turn = await conversation.hear("hmm so I was kind of wondering about something")
        let started = events.events.contains { if case .toolStarted(let t) = $0.payload { return t.tool == tool } else { return false } }
        #expect(!started, "\(tool) ran with the model's arguments \(call.arguments)")
        let after = try await database.read { db in try Int.fetchOne(db, sql: changed) }
        #expect(before == after)
        // Either the arguments were rejected (told to the model, an error event) or they are read back first.
        let rejected = events.events.contains { if case .error(let e) = $0.payload { return e.contains("\(tool) not run") } else { return false } }
        #expect(rejected || turn.path.reason.contains("read-back of \(tool) before it runs"), "\(call.arguments) -> \(turn.text)")
    }
}
