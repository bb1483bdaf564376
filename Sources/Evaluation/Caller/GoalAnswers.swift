import Agent
import Foundation

/// The simulated caller's answer when the agent offers back what it thinks the request is about
/// ("Is that about order status?"): a person knows what they called for, and a scenario states it
/// in what it expects done (`assert.tools_called`). Yes when the offered intent's flow calls every
/// tool the scenario expects and writes nothing else; no otherwise. A scenario that expects no tool
/// states no goal, and its caller does not answer such an offer.
enum GoalAnswers {
    /// Optional reactive turns, one per intent of `agent`, answering its offer yes or no.
    static func turns(agent: AgentDefinition, goal: [ExpectedToolCall]) -> [ScenarioTurn] {
        let wanted = Set(goal.map(\.tool))
        guard !wanted.isEmpty else { return [] }
        return agent.intents.map { intent in
            let calls = tools(of: intent.name, in: agent)
            let writesElse = calls.subtracting(wanted).contains { agent.tools[$0]?.writes == true }
            let serves = wanted.isSubset(of: calls) && !writesElse
            let offer = "is that about " + NSRegularExpression.escapedPattern(for: intent.description) + "\\?"
            return ScenarioTurn(action: .say(serves ? "yes" : "no"), when: offer, optional: true)
        }
    }

    /// Every tool a flow block calls, its included blocks' too.
    static func tools(of block: String, in agent: AgentDefinition, depth: Int = 0) -> Set<String> {
        guard depth < 8, let steps = agent.flow[block] else { return [] }
        return steps.reduce(into: Set<String>()) { found, step in
            switch step.action {
            case .call(let tool): found.insert(tool)
            case .include(let inner): found.formUnion(tools(of: inner, in: agent, depth: depth + 1))
            default: break
            }
        }
    }
}
