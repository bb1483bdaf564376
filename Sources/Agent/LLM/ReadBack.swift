import Foundation

/// What the agent says back before a write the LLM asked for, and what it says once it is done.
///
/// Taken from the agent file's own flow: the `confirm` step before the flow's `call` of the tool
/// (the same read-back the intent engine gives), rendered with the model's arguments mapped back to
/// the slots and results the flow's `with:` names. A tool no flow confirms gets a plain read-back of
/// its description and arguments.
struct ReadBack: Sendable, Equatable {
    /// The question the caller answers yes or no.
    var question: String
    /// Said after the write succeeded (the flow's `say` on the call), if the flow has one.
    var done: String?
    /// Said when the caller says no (the confirm step's `if_no`), if the flow has one.
    var declined: String?

    static func make(tool: String, arguments: JSONValue, agent: AgentDefinition, bindings: [String: JSONValue]) -> ReadBack {
        let definition = agent.tools[tool]
        for name in agent.flow.keys.sorted() {
            let steps = agent.steps(for: name)
            guard let callIndex = steps.firstIndex(where: { $0.action == .call(tool: tool) }) else { continue }
            let call = steps[callIndex]
            var slots: [String: SlotValue] = [:]
            var bound = bindings
            for (parameter, template) in call.arguments {
                guard let value = arguments[parameter] else { continue }
                let raw = value.stringValue ?? value.jsonText
                let expression = template.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
                guard template.hasPrefix("{"), template.hasSuffix("}"), !expression.contains("{") else { continue }
                let parts = expression.split(separator: ".").map(String.init)
                if parts.count == 1 {
                    slots[parts[0]] = SlotValue(value: raw, spoken: spoken(raw, slot: agent.slots[parts[0]]))
                } else if parts.count == 2, bound[parts[0]] == nil {
                    bound[parts[0]] = [parts[1]: value]
                }
            }
            let template = Template(slots: slots, bindings: bound, extra: [:])
            let known = Set(slots.keys).union(bound.keys)
            func render(_ text: String?) -> String? {
                guard let text, Template.references(text).isSubset(of: known) else { return nil }
                return template.render(text, spoken: true)
            }
            let confirm = steps[..<callIndex].last { if case .confirm = $0.action { return true } else { return false } }
            if let confirm, case .confirm(let text) = confirm.action, let question = render(text) {
                return ReadBack(question: question, done: render(call.sayAfter), declined: render(confirm.ifNo?.say))
            }
        }
        return plain(tool: tool, arguments: arguments, definition: definition, agent: agent)
    }

    private static func plain(tool: String, arguments: JSONValue, definition: ToolDefinition?, agent: AgentDefinition) -> ReadBack {
        var what = definition?.description ?? tool
        while what.hasSuffix(".") { what.removeLast() }
        let details = (arguments.objectValue ?? [:]).keys.sorted().compactMap { key -> String? in
            guard let value = arguments[key] else { return nil }
            let raw = value.stringValue ?? value.jsonText
            return "\(key.replacingOccurrences(of: "_", with: " ")) \(spoken(raw, format: definition?.parameters[key]?.format))"
        }
        let lowered = what.prefix(1).lowercased() + what.dropFirst()
        return ReadBack(question: "To confirm, I'll \(lowered)" + (details.isEmpty ? "" : ", with " + details.joined(separator: ", ")) + ". Shall I go ahead?",
                        done: nil, declined: nil)
    }

    private static func spoken(_ raw: String, slot: SlotDefinition?) -> String {
        switch slot?.type {
        case .date?: return spoken(raw, format: "date")
        case .time?: return spoken(raw, format: "time")
        default: return raw
        }
    }

    private static func spoken(_ raw: String, format: String?) -> String {
        switch format {
        case "date": return CalendarDay(iso: raw)?.spoken() ?? raw
        case "time": return SpokenTime.spoken(raw)
        default: return raw
        }
    }
}
