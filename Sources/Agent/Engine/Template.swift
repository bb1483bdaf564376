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
