import Agent
import TestSupport
import Testing
@testable import Evaluation

/// The simulated caller answers the agent's "Is that about …?" from what the scenario expects done.
struct GoalAnswersTests {
    let orders = TestPaths.repository.appendingPathComponent("sample-calls/orders")

    func answers(_ goal: [String]) throws -> [String: String] {
        let agent = try AgentLoader.load(directory: orders)
        let turns = GoalAnswers.turns(agent: agent, goal: goal.map { ExpectedToolCall(tool: $0) })
        var out: [String: String] = [:]
        for (intent, turn) in zip(agent.intents, turns) {
            guard case .say(let text) = turn.action, let when = turn.when else { continue }
            #expect(turn.optional)
            #expect(TextMatch.matches(when, "Is that about \(intent.description)?"), "\(when)")
            out[intent.name] = text
        }
        return out
    }

    @Test func yesOnlyToAnIntentThatDoesWhatTheCallerCameFor() throws {
        // Looking an order up: any intent that reads it serves; one that also writes (a return, an address change) does not.
        let lookup = try answers(["order_lookup"])
        #expect(lookup["status"] == "yes" && lookup["delivery"] == "yes" && lookup["courier"] == "yes")
        #expect(lookup["return"] == "no" && lookup["change_address"] == "no" && lookup["front_desk"] == "no")
        let refund = try answers(["order_lookup", "start_return"])
        #expect(refund["return"] == "yes" && refund["status"] == "no")
        #expect(try answers([]).isEmpty, "no goal stated: no answer")
    }
}
