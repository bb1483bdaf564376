/// Checks a tool call's arguments against the tool's declared parameters before anything runs:
/// every parameter present, of its type and format, and nothing the tool does not take.
///
/// Used on the LLM path, where arguments come from a model rather than from the agent file's flow.
enum ToolArgumentCheck {
    /// The first problem as a sentence the model (and an operator) can act on, or nil.
    static func problem(_ arguments: JSONValue, for definition: ToolDefinition) -> String? {
        guard case .object(let object) = arguments else { return "the arguments are not a JSON object" }
        let declared = parameterNames(definition)
        for name in object.keys.sorted() where !declared.contains(name) {
            return "'\(name)' is not a parameter of \(definition.name) (it takes \(declared.isEmpty ? "none" : declared.joined(separator: ", ")))"
        }
        for name in declared {
            guard let value = object[name], value != .null else { return "'\(name)' is missing" }
            let parameter = definition.parameters[name]
            let type = parameter?.type ?? "string"
            if let why = typeProblem(value, type: type) { return "'\(name)' \(why)" }
            if let format = parameter?.format, let text = value.stringValue, let why = formatProblem(text, format: format) {
                return "'\(name)' \(why)"
            }
        }
        return nil
    }

    /// The parameters a call must pass: those declared, else a SQL tool's placeholders.
    static func parameterNames(_ definition: ToolDefinition) -> [String] {
        if !definition.parameters.isEmpty { return definition.parameters.keys.sorted() }
        if case .sql(let spec) = definition.kind { return spec.placeholders }
        return []
    }

    private static func typeProblem(_ value: JSONValue, type: String) -> String? {
        switch (type, value) {
        case ("string", .string(let s)): return s.trimmingCharacters(in: .whitespaces).isEmpty ? "is empty" : nil
        case ("number", .number), ("boolean", .bool): return nil
        case ("integer", .number(let n)): return n == n.rounded() ? nil : "must be a whole number, not \(value.jsonText)"
        // Models often quote numbers: "12" for 12 is the same value, "twelve" is not.
        case ("integer", .string(let s)): return Int(s) != nil ? nil : "must be a whole number, not \(value.jsonText)"
        case ("number", .string(let s)): return Double(s) != nil ? nil : "must be a number, not \(value.jsonText)"
        default: return "must be of type \(type), not \(value.jsonText)"
        }
    }

    private static func formatProblem(_ text: String, format: String) -> String? {
        switch format {
        case "date":
            return CalendarDay(iso: text) == nil ? "must be a date as YYYY-MM-DD, not \"\(text)\"" : nil
        case "time":
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
                  (0..<24).contains(h), (0..<60).contains(m) else { return "must be a time as HH:MM, not \"\(text)\"" }
            return nil
        default:
            return nil
        }
    }

    /// The arguments with quoted numbers turned into numbers where the parameter is numeric, so the
    /// tool, the approval rule and the audit see one form.
    static func normalised(_ arguments: JSONValue, for definition: ToolDefinition) -> JSONValue {
        guard case .object(var object) = arguments else { return arguments }
        for (name, parameter) in definition.parameters where parameter.type == "integer" || parameter.type == "number" {
            if case .string(let s)? = object[name], let n = Double(s) { object[name] = .number(n) }
        }
        return .object(object)
    }
}
