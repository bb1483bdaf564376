/// How the dialogue reads a tool result.
enum ToolResults {
    /// Nothing found or nothing changed: no rows, null, `{}`, or `{"changes": 0}`.
    static func isEmpty(_ value: JSONValue) -> Bool {
        if value.isEmptyResult { return true }
        if let changes = value["changes"]?.doubleValue, value.objectValue?.count == 1 { return changes == 0 }
        return false
    }
}
