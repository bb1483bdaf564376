/// One line of the audit log: what happened, chained to the line before by its hash.
public struct AuditEntry: Sendable, Codable, Equatable {
    /// 1-based line number; a deleted or moved line breaks the sequence.
    public var seq: Int
    /// Milliseconds on the call's clock.
    public var timeMs: Double
    public var call: String
    /// `tool`, `tool_failed`, `approval`, `escalation`, `call_started`, `call_ended`…
    public var kind: String
    public var detail: JSONValue
    /// The previous entry's hash (64 zeros for the first).
    public var prev: String
    /// SHA-256 of this entry's other fields, as canonical JSON.
    public var hash: String

    public static let genesis = String(repeating: "0", count: 64)

    /// The canonical text the hash covers: every field but `hash`, keys sorted.
    var hashedText: String {
        JSONValue.object([
            "seq": .number(Double(seq)), "timeMs": .number(timeMs), "call": .string(call), "kind": .string(kind),
            "detail": detail, "prev": .string(prev),
        ]).jsonText
    }

    var computedHash: String { SHA256.hex(hashedText) }
}
