/// Checks a JSON response against the declared `field: type` schema of an HTTP tool.
enum JSONSchemaCheck {
    static let knownTypes: Set<String> = ["string", "number", "integer", "boolean", "object", "array"]

    /// The first mismatch as a sentence, or nil when the value fits.
    static func mismatch(_ value: JSONValue, schema: [String: String]) -> String? {
        guard case .object(let object) = value else { return "the response is not a JSON object" }
        for field in schema.keys.sorted() {
            guard let expected = schema[field] else { continue }
            guard let actual = object[field] else { return "the response has no '\(field)'" }
            if !fits(actual, expected) { return "'\(field)' is not of type \(expected)" }
        }
        return nil
    }

    private static func fits(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("object", .object), ("array", .array), ("number", .number): return true
        case ("integer", .number(let n)): return n == n.rounded()
        default: return false
        }
    }
}
