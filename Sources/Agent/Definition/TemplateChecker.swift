import RingsideCore

/// Checks, at load time, every text of an agent file that is rendered as a template: braces pair up
/// and each placeholder names a slot, a bound tool result or a built-in name; `|filters` exist.
///
/// Whether a result is bound before the sentence that uses it is not checked (flows include blocks).
enum TemplateChecker {
    static func firstIssue(in agent: AgentDefinition) -> DefinitionIssue? {
        let bound = agent.flow.values.flatMap { $0.compactMap(\.bindAs) }
        let known = Set(agent.slots.keys).union(bound).union(Template.builtinNames)
        for (path, text) in templates(in: agent) {
            if let issue = check(text, path: path, known: known) { return issue }
        }
        return nil
    }

    /// Every template text with its path of keys, in a stable order.
    private static func templates(in agent: AgentDefinition) -> [([String], String)] {
        var out: [([String], String)] = []
        for name in agent.slots.keys.sorted() {
            if let slot = agent.slots[name] { out.append((["slots", name, "prompt"], slot.prompt)) }
        }
        for block in agent.flow.keys.sorted() {
            for (i, step) in (agent.flow[block] ?? []).enumerated() {
                let path = ["flow", block, String(i)]
                switch step.action {
                case .say(let text): out.append((path + ["say"], text))
                case .confirm(let text): out.append((path + ["confirm"], text))
                case .ask, .call, .include: break
                }
                if let text = step.prompt { out.append((path + ["prompt"], text)) }
                for key in step.arguments.keys.sorted() { out.append((path + ["with", key], step.arguments[key] ?? "")) }
                if let text = step.sayAfter { out.append((path + ["say"], text)) }
            }
        }
        for (path, outcome) in AgentValidator.outcomes(in: agent) {
            if let text = outcome.say { out.append((path + ["say"], text)) }
            if let text = outcome.otherwise?.say { out.append((path + ["otherwise", "say"], text)) }
        }
        return out
    }

    private static func check(_ text: String, path: [String], known: Set<String>) -> DefinitionIssue? {
        let field = path.last ?? "say"
        switch Template.placeholders(text) {
        case .failure(let syntax):
            return DefinitionIssue(path: path, field: field, problem: syntax.problem, suggestion: "write a placeholder as {name} or {result.field}",
                                   inValue: (syntax.brace, syntax.occurrence))
        case .success(let placeholders):
            for placeholder in placeholders {
                if !known.contains(placeholder.root) {
                    let nearest = known.sorted().min { editDistance($0, placeholder.root) < editDistance($1, placeholder.root) }
                    var hint = "use a slot, a call's 'as' name or one of \(Template.builtinNames.joined(separator: ", "))"
                    if let nearest, editDistance(nearest, placeholder.root) <= 3 { hint = "did you mean '\(nearest)'? " + hint }
                    return DefinitionIssue(path: path, field: field, problem: "unknown placeholder \"{\(placeholder.expression)}\"", suggestion: hint,
                                           inValue: ("{", placeholder.brace))
                }
                if let filter = placeholder.filter, !Template.filters.contains(filter) {
                    return DefinitionIssue(path: path, field: field, problem: "unknown filter \"|\(filter)\" in \"{\(placeholder.expression)}\"",
                                           suggestion: "use one of: \(Template.filters.joined(separator: ", "))", inValue: ("{", placeholder.brace))
                }
            }
            return nil
        }
    }
}
