/// Fills `{…}` placeholders in an agent file's sentences and tool arguments.
///
/// `{slot}` is a slot (spoken form in speech, raw value in arguments); `{var.field}` a field of a
/// bound tool result (its first row); `{var.*field}` every row's field as a spoken list;
/// `{var.count}` the number of rows. `|time`, `|date` and `|digits` say raw values aloud.
struct Template {
    var slots: [String: SlotValue]
    var bindings: [String: JSONValue]
    var extra: [String: String] = [:]

    func render(_ text: String, spoken: Bool) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            out += value(String(rest[rest.index(after: open)..<close]), spoken: spoken)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The roots (`slot`, `var`) a template refers to.
    static func references(_ text: String) -> Set<String> {
        var refs = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let expr = rest[rest.index(after: open)..<close]
            let root = expr.split(separator: "|").first?.split(separator: ".").first.map(String.init) ?? ""
            refs.insert(root.trimmingCharacters(in: .whitespaces))
            rest = rest[rest.index(after: close)...]
        }
        return refs
    }

    /// One `{…}` of a template: its expression and which `{` of the text opens it (0-based).
    struct Placeholder: Equatable {
        var expression: String
        var brace: Int
        /// The slot or result name the expression starts with.
        var root: String { expression.split(separator: "|").first?.split(separator: ".").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        /// The name after `|`, if any.
        var filter: String? {
            let parts = expression.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        }
    }

    /// A brace that does not pair up: what is wrong, and which `{` or `}` of the text (0-based).
    struct SyntaxProblem: Error, Equatable {
        var problem: String
        var brace: Unicode.Scalar
        var occurrence: Int
    }

    /// The placeholders of `text` in order; an unclosed `{`, a stray `}` or an empty `{}` is a problem
    /// (rendering would speak the braces or say nothing).
    static func placeholders(_ text: String) -> Result<[Placeholder], SyntaxProblem> {
        var found: [Placeholder] = []
        var opens = 0, closes = 0
        var open: (brace: Int, start: String.UnicodeScalarView.Index)?
        let scalars = text.unicodeScalars
        for i in scalars.indices {
            switch scalars[i] {
            case "{":
                if let open { return .failure(SyntaxProblem(problem: "unclosed \"{\" in template \"\(text)\"", brace: "{", occurrence: open.brace)) }
                open = (opens, scalars.index(after: i))
                opens += 1
            case "}":
                guard let current = open else {
                    return .failure(SyntaxProblem(problem: "\"}\" without a \"{\" in template \"\(text)\"", brace: "}", occurrence: closes))
                }
                let expression = String(scalars[current.start..<i])
                if expression.trimmingCharacters(in: .whitespaces).isEmpty {
                    return .failure(SyntaxProblem(problem: "empty placeholder \"{}\" in template \"\(text)\"", brace: "{", occurrence: current.brace))
                }
                found.append(Placeholder(expression: expression, brace: current.brace))
                open = nil
                closes += 1
            default:
                break
            }
        }
        if let open { return .failure(SyntaxProblem(problem: "unclosed \"{\" in template \"\(text)\"", brace: "{", occurrence: open.brace)) }
        return .success(found)
    }

    /// The names after `|` that rendering understands.
    static let filters = ["time", "date", "digits"]

    /// Names every template may use besides slots and bound results (see `IntentEngine`).
    static let builtinNames = ["caller_id", "agent", "today"]

    private func value(_ expression: String, spoken: Bool) -> String {
        let parts = expression.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let path = parts.first ?? ""
        let filter = parts.count > 1 ? parts[1] : nil
        let segments = path.split(separator: ".").map(String.init)
        guard let root = segments.first else { return "" }
        if segments.count == 1, let slot = slots[root] { return spoken ? slot.spoken : slot.value }
        if segments.count == 1, let text = extra[root] { return text }
        guard let bound = bindings[root] else { return "" }
        let rows: [JSONValue] = bound.arrayValue ?? [bound]
        guard segments.count > 1 else { return bound.stringValue ?? bound.jsonText }
        var field = segments[1]
        if field == "count" { return String(rows.count) }
        if field.hasPrefix("*") {
            field.removeFirst()
            let values = rows.compactMap { $0[field]?.stringValue }.map { apply(filter, $0, spoken: spoken) }
            return spoken ? Template.spokenList(values) : values.joined(separator: ",")
        }
        guard let first = rows.first?[field]?.stringValue else { return "" }
        return apply(filter, first, spoken: spoken)
    }

    private func apply(_ filter: String?, _ raw: String, spoken: Bool) -> String {
        guard spoken, let filter else { return raw }
        switch filter {
        case "time": return SpokenTime.spoken(raw)
        case "date": return CalendarDay(iso: raw)?.spoken() ?? raw
        case "digits": return raw.map(String.init).joined(separator: " ")
        default: return raw
        }
    }

    static func spokenList(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
        }
    }
}
