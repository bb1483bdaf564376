import RingsideCore
import Foundation

/// A coding key for any string or index, used to see every key a YAML mapping really has.
struct AnyCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

/// A problem found while decoding or checking an agent file, located by its path of keys.
///
/// `AgentLoader` turns the path into a line and column; decoding code only knows the path.
struct DefinitionIssue: Error {
    var path: [String]
    var field: String
    var problem: String
    var suggestion: String?
    /// Point at the key itself rather than its value (unknown keys).
    var atKey: Bool = false
    /// Point inside the value, at the `occurrence`-th (0-based) `character` of its text (a template's brace).
    var inValue: (character: Unicode.Scalar, occurrence: Int)?
}

extension Decoder {
    /// A keyed container that rejects keys the type does not declare, naming the closest one.
    func strictContainer<K: CodingKey & CaseIterable>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
        let known = K.allCases.map(\.stringValue)
        let raw = try container(keyedBy: AnyCodingKey.self)
        for key in raw.allKeys where !known.contains(key.stringValue) {
            let nearest = known.min { editDistance($0, key.stringValue) < editDistance($1, key.stringValue) }
            var hint = "allowed keys here: " + known.joined(separator: ", ")
            if let nearest, editDistance(nearest, key.stringValue) <= max(2, key.stringValue.count / 3) {
                hint = "did you mean '\(nearest)'? " + hint
            }
            throw DefinitionIssue(
                path: codingPath.map(\.pathComponent) + [key.stringValue],
                field: key.stringValue,
                problem: "unknown key '\(key.stringValue)'",
                suggestion: hint,
                atKey: true
            )
        }
        return try container(keyedBy: type)
    }
}


extension CodingKey {
    /// The key as it appears in a path: a sequence index as its number, a mapping key as its name.
    var pathComponent: String { intValue.map(String.init) ?? stringValue }
}
