/// A named, parameterised SQL statement run against the agent's database.
///
/// Values are always bound (`:name` placeholders); the statement text comes only from the agent file.
public struct SQLToolSpec: Sendable, Equatable, Decodable {
    public var query: String

    public init(from decoder: Decoder) throws {
        query = try decoder.singleValueContainer().decode(String.self)
    }

    /// The `:name` placeholders in the statement, in order of first use.
    public var placeholders: [String] {
        var names: [String] = []
        var current: String?
        var inString = false
        for ch in query + " " {
            if ch == "'" { inString.toggle() }
            if var name = current {
                if ch.isLetter || ch.isNumber || ch == "_" { name.append(ch); current = name; continue }
                if !name.isEmpty, !names.contains(name) { names.append(name) }
                current = nil
            }
            if ch == ":", !inString { current = "" }
        }
        return names
    }
}
