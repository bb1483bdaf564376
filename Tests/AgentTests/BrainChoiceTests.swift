import Foundation
import RingsideCore
import Testing
@testable import Agent

/// The brain a call reads from its environment (`ringside test --brain`), and the one bound on re-asks
/// in a row that holds whoever answered, against recorded replies from a real local HTTP server.
@Suite(.serialized) struct BrainChoiceTests {
    /// A conversation with the clinic agent (no `llm:` section of its own) and `environment` as the call's.
    static func conversation(_ environment: [String: String]) async throws -> Conversation {
        let agent = try Fixtures.loadAgent("clinic")
        let database = try AgentDatabase.create(at: Fixtures.temporaryFolder().appendingPathComponent("clinic.sqlite"), definition: agent)
        var options = ConversationOptions(callID: "brain", clock: MonotonicClock(), approvalMode: .denyAll, environment: environment)
        options.today = CalendarDay(iso: "2026-03-02")
        let conversation = try Conversation(agent: agent, database: database, options: options)
        _ = await conversation.start()
        return conversation
    }

    /// The LLM brain answers even a request the intent engine would take at full confidence; the
    /// hybrid leaves that one to the engine; the engine alone never asks the server.
    @Test(arguments: [(BrainChoice.llm, AnswerPath.Answerer.llm), (.hybrid, .intentEngine), (.engine, .intentEngine)])
    func theChosenBrainAnswersAClearRequest(_ choice: BrainChoice, _ answerer: AnswerPath.Answerer) async throws {
        let server = try LocalServer(replies: [LLMBrainTests.textStream(["Of course. May I have your name?"])])
        defer { server.stop() }
        let conversation = try await Self.conversation(choice.environment(url: server.base + "/v1", model: "recorded"))
        let turn = await conversation.hear("I'd like to book an appointment")
        #expect(turn.path.answerer == answerer, "\(choice): \(turn.path)")
        if choice == .llm { #expect(turn.path.reason.hasPrefix("the LLM answers every request"), "\(turn.path)") }
        #expect((try server.log().counts["/v1/chat/completions"] ?? 0) == (choice == .llm ? 1 : 0))
    }

    /// A turn the LLM answered ends a row of re-asks: two words not made out, an answer, then two more
    /// are still asked again; only the third in a row is the way forward (the agent file's message).
    @Test(arguments: [BrainChoice.llm, .hybrid])
    func aTurnTheLLMAnsweredStartsTheReaskCountAgain(_ choice: BrainChoice) async throws {
        let server = try LocalServer(replies: [LLMBrainTests.textStream(["Our car park is behind the building. Anything else?"])])
        defer { server.stop() }
        let conversation = try await Self.conversation(choice.environment(url: server.base + "/v1", model: "recorded"))
        _ = await conversation.unclear()
        _ = await conversation.unclear()
        let answer = await conversation.hear("is there somewhere to park my bicycle near you")
        #expect(answer.path.answerer == .llm, "\(answer.path)")
        let again = [await conversation.unclear(), await conversation.unclear()]
        #expect(again.allSatisfy { $0.sentences.first != Reask.givingUp && $0.handoff == nil }, "\(again.map(\.text))")
        let forward = await conversation.unclear()
        #expect(forward.sentences.prefix(2) == [Reask.givingUp, Reask.offerMessage], "\(forward.text)")
        #expect(forward.handoff == nil && !forward.hangUp)
        // The message flow is the engine's: the LLM is not asked while it runs.
        let next = await conversation.hear("John Smith")
        #expect(next.path.answerer == .intentEngine && next.text.contains("What would you like to tell them?"), "\(next.text)")
        #expect((try server.log().counts["/v1/chat/completions"] ?? 0) == 1)
    }

    /// A brain nobody has, or an LLM brain with no server to ask: an error naming the variable.
    @Test func aBrainThatCannotBeMadeIsAnErrorNamingTheVariable() async throws {
        do {
            _ = try await Self.conversation([BrainChoice.environmentKey: "oracle"])
            Issue.record("an unknown brain was accepted")
        } catch let error as LocatedError {
            #expect(error.description.hasPrefix("RINGSIDE_BRAIN: 'oracle' is not a brain"), "\(error)")
        }
        do {
            _ = try await Self.conversation([BrainChoice.environmentKey: "llm"])
            Issue.record("the LLM brain was made without a server")
        } catch let error as LocatedError {
            #expect(error.description.contains("needs an LLM server") && error.description.contains("RINGSIDE_LLM_URL"), "\(error)")
        }
    }
}
