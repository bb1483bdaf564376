import RingsideCore
import Foundation

/// Checks that an agent definition hangs together: flows name real slots and tools, writes are confirmed,
/// SQL placeholders get arguments. Returns the first problem so the user fixes one thing at a time.
enum AgentValidator {
    static func firstIssue(in agent: AgentDefinition) -> DefinitionIssue? {
        if agent.disclosure.trimmingCharacters(in: .whitespaces).isEmpty {
            return DefinitionIssue(path: ["disclosure"], field: "disclosure", problem: "the AI disclosure is empty", suggestion: "say that the caller is talking to an automated assistant")
        }
        for (name, slot) in agent.slots {
            if let source = slot.valuesFrom {
                guard let tool = agent.tools[source] else {
                    return unknownTool(source, path: ["slots", name, "values_from"], agent: agent)
                }
                guard case .sql = tool.kind, !tool.writes else {
                    return DefinitionIssue(path: ["slots", name, "values_from"], field: "values_from", problem: "'\(source)' is not a read-only SQL tool", suggestion: "point values_from at a SELECT that lists the values")
                }
            }
            if let unknown = slot.ifUnknown {
                guard slot.valuesFrom != nil || !slot.values.isEmpty else {
                    return DefinitionIssue(path: ["slots", name, "if_unknown"], field: "if_unknown", problem: "'if_unknown' needs a closed vocabulary, and this slot has none",
                                           suggestion: "add 'values_from: TOOL' (or 'values:') to the slot, or remove 'if_unknown'", atKey: true)
                }
                for (j, cleared) in unknown.clear.enumerated() where agent.slots[cleared] == nil {
                    return unknownSlot(cleared, path: ["slots", name, "if_unknown", "clear", String(j)], agent: agent)
                }
            }
            if slot.type == .choice, slot.values.isEmpty {
                return DefinitionIssue(path: ["slots", name, "type"], field: "values", problem: "a choice slot needs values", suggestion: "add 'values: [a, b]' to the slot")
            }
        }
        for (i, intent) in agent.intents.enumerated() {
            if agent.flow[intent.name] == nil {
                return DefinitionIssue(path: ["intents", String(i), "name"], field: "name", problem: "intent '\(intent.name)' has no flow", suggestion: "add 'flow: \(intent.name):' with its steps")
            }
            for (j, slot) in intent.slots.enumerated() where agent.slots[slot] == nil {
                return unknownSlot(slot, path: ["intents", String(i), "slots", String(j)], agent: agent)
            }
        }
        for (i, rule) in agent.policies.approvals.enumerated() where agent.tools[rule.tool] == nil {
            return unknownTool(rule.tool, path: ["policies", "approvals", String(i), "tool"], agent: agent)
        }
        for block in agent.flow.keys.sorted() {
            if let issue = checkFlow(block, agent: agent) { return issue }
        }
        for (path, outcome) in outcomes(in: agent) {
            if let issue = checkOutcome(outcome, path: path, agent: agent) { return issue }
        }
        for name in agent.tools.keys.sorted() {
            guard let tool = agent.tools[name] else { continue }
            let takes = Set(ToolArgumentCheck.parameterNames(tool))
            for (i, requirement) in tool.requires.enumerated() {
                for placeholder in requirement.sql.placeholders where !takes.contains(placeholder) {
                    return DefinitionIssue(path: ["tools", name, "requires", String(i), "sql"], field: "sql", problem: "placeholder ':\(placeholder)' is not a parameter of \(name)",
                                           suggestion: "a requirement checks the tool's own arguments: use one of \(takes.sorted().map { ":" + $0 }.joined(separator: ", "))")
                }
            }
            guard case .sql(let spec) = tool.kind else { continue }
            for placeholder in spec.placeholders where tool.parameters[placeholder] == nil && !tool.parameters.isEmpty {
                return DefinitionIssue(path: ["tools", name, "sql"], field: "sql", problem: "placeholder ':\(placeholder)' is not a declared parameter", suggestion: "add '\(placeholder)' under the tool's parameters")
            }
        }
        return nil
    }

    private static func checkFlow(_ block: String, agent: AgentDefinition) -> DefinitionIssue? {
        guard let steps = agent.flow[block] else { return nil }
        var confirmed = false
        for (i, step) in steps.enumerated() {
            let path = ["flow", block, String(i)]
            switch step.action {
            case .ask(let slot):
                if agent.slots[slot] == nil { return unknownSlot(slot, path: path + ["ask"], agent: agent) }
            case .include(let inner):
                if agent.flow[inner] == nil {
                    return DefinitionIssue(path: path + ["include"], field: "include", problem: "no flow block named '\(inner)'", suggestion: "define 'flow: \(inner):' or fix the name")
                }
                if inner == block { return DefinitionIssue(path: path + ["include"], field: "include", problem: "a block cannot include itself") }
            case .confirm:
                confirmed = true
            case .call(let toolName):
                guard let tool = agent.tools[toolName] else { return unknownTool(toolName, path: path + ["call"], agent: agent) }
                if step.soundAlikes, let issue = soundAlikesIssue(step, tool: toolName, path: path, agent: agent) { return issue }
                if tool.writes, !confirmed {
                    return DefinitionIssue(path: path + ["call"], field: "call", problem: "'\(toolName)' writes, but no confirm step comes before it", suggestion: "add a 'confirm:' step before this call")
                }
                let needed: [String]
                if case .sql(let spec) = tool.kind { needed = spec.placeholders } else { needed = tool.parameters.keys.sorted() }
                for parameter in needed where step.arguments[parameter] == nil {
                    return DefinitionIssue(path: path + ["call"], field: "with", problem: "the call to '\(toolName)' does not pass '\(parameter)'", suggestion: "add 'with: {\(parameter): \"{slot}\"}'")
                }
                if tool.writes { confirmed = false }
            case .say:
                if step.then == .message, let issue = messageFlowIssue(path: path + ["then"], agent: agent) { return issue }
            }
        }
        return nil
    }

    /// A lookup retried with sound-alike dates must change nothing, and must be given a date slot.
    private static func soundAlikesIssue(_ step: FlowStep, tool: String, path: [String], agent: AgentDefinition) -> DefinitionIssue? {
        if agent.tools[tool]?.writes == true {
            return DefinitionIssue(path: path + ["sound_alikes"], field: "sound_alikes", problem: "'\(tool)' writes, and a write is never retried with values the caller did not say",
                                   suggestion: "use 'sound_alikes' on the read-only lookup before the confirm", atKey: true)
        }
        let dates = Set(step.arguments.values.flatMap(Template.references)).filter { agent.slots[$0]?.type == .date }
        if dates.isEmpty {
            return DefinitionIssue(path: path + ["sound_alikes"], field: "sound_alikes", problem: "the call to '\(tool)' is given no date slot, and only dates have sound-alikes",
                                   suggestion: "remove 'sound_alikes', or pass a date slot in 'with'", atKey: true)
        }
        return nil
    }

    /// Every outcome of the agent file with its path of keys, in a stable order.
    static func outcomes(in agent: AgentDefinition) -> [([String], FlowOutcome)] {
        var out: [([String], FlowOutcome)] = []
        for name in agent.slots.keys.sorted() {
            if let outcome = agent.slots[name]?.ifUnknown { out.append((["slots", name, "if_unknown"], outcome)) }
        }
        for block in agent.flow.keys.sorted() {
            for (i, step) in (agent.flow[block] ?? []).enumerated() {
                for (key, outcome) in [("if_empty", step.ifEmpty), ("if_no", step.ifNo), ("if_denied", step.ifDenied)] {
                    if let outcome { out.append((["flow", block, String(i), key], outcome)) }
                }
            }
        }
        return out
    }

    private static func checkOutcome(_ outcome: FlowOutcome, path: [String], agent: AgentDefinition) -> DefinitionIssue? {
        if let attempts = outcome.attempts {
            guard outcome.then == .retry else {
                return DefinitionIssue(path: path + ["attempts"], field: "attempts", problem: "'attempts' counts retries, and this outcome does not retry (then: \(outcome.then.rawValue))",
                                       suggestion: "remove 'attempts', or write 'then: retry'", atKey: true)
            }
            guard attempts >= 1 else {
                return DefinitionIssue(path: path + ["attempts"], field: "attempts", problem: "'attempts' must be 1 or more", suggestion: "write how many tries the caller gets, e.g. 2")
            }
        }
        if let otherwise = outcome.otherwise {
            guard outcome.then == .retry else {
                return DefinitionIssue(path: path + ["otherwise"], field: "otherwise", problem: "'otherwise' follows used-up retries, and this outcome does not retry (then: \(outcome.then.rawValue))",
                                       suggestion: "remove 'otherwise', or write 'then: retry'", atKey: true)
            }
            if otherwise.then == .retry {
                return DefinitionIssue(path: path + ["otherwise", "then"], field: "then", problem: "'otherwise' cannot retry again",
                                       suggestion: "use end, escalate, hangup or message")
            }
            if otherwise.then == .message, let issue = messageFlowIssue(path: path + ["otherwise", "then"], agent: agent) { return issue }
        }
        if outcome.then == .message { return messageFlowIssue(path: path + ["then"], agent: agent) }
        return nil
    }

    /// `then: message` needs a `message` block that records something: a message only asked for and
    /// read back would be lost.
    private static func messageFlowIssue(path: [String], agent: AgentDefinition) -> DefinitionIssue? {
        let block = FlowTransition.messageFlow
        guard let steps = agent.flow[block] else {
            return DefinitionIssue(path: path, field: "then", problem: "'then: message' needs a flow block named '\(block)'",
                                   suggestion: "add 'flow: \(block):' that asks for the message (a text slot), reads it back with 'confirm:' and records it with a 'call:'")
        }
        guard agent.steps(for: block).contains(where: { if case .call(let tool) = $0.action { return agent.tools[tool]?.writes == true } else { return false } }) else {
            return DefinitionIssue(path: ["flow", block], field: block, problem: "the '\(block)' flow records nothing (no call to a tool that writes)",
                                   suggestion: "add a 'call:' to a tool with 'writes: true' that stores the message", atKey: steps.isEmpty)
        }
        return nil
    }

    private static func unknownTool(_ name: String, path: [String], agent: AgentDefinition) -> DefinitionIssue {
        DefinitionIssue(path: path, field: path.last ?? "tool", problem: "unknown tool '\(name)'", suggestion: suggestion(name, among: Array(agent.tools.keys), kind: "tools"))
    }

    private static func unknownSlot(_ name: String, path: [String], agent: AgentDefinition) -> DefinitionIssue {
        DefinitionIssue(path: path, field: path.last ?? "slot", problem: "unknown slot '\(name)'", suggestion: suggestion(name, among: Array(agent.slots.keys), kind: "slots"))
    }

    private static func suggestion(_ name: String, among known: [String], kind: String) -> String {
        let sorted = known.sorted()
        if let nearest = sorted.min(by: { editDistance($0, name) < editDistance($1, name) }), editDistance(nearest, name) <= 3 {
            return "did you mean '\(nearest)'? declared \(kind): \(sorted.joined(separator: ", "))"
        }
        return "declare it under '\(kind):' (declared: \(sorted.joined(separator: ", ")))"
    }
}
