import Foundation

/// Checks an audit log's hash chain and names the first line that was edited, removed or moved.
public enum AuditVerifier {
    /// The verdict on one file.
    public enum Verdict: Sendable, Equatable {
        case intact(entries: Int)
        /// `line` is 1-based; `reason` says what no longer matches.
        case tampered(line: Int, reason: String)
    }

    public static func verify(text: String) -> Verdict {
        var previous = AuditEntry.genesis
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated() {
            let number = index + 1
            guard let entry = try? decoder.decode(AuditEntry.self, from: Data(line.utf8)) else {
                return .tampered(line: number, reason: "not a valid audit entry")
            }
            if entry.seq != number {
                return .tampered(line: number, reason: "sequence number is \(entry.seq), expected \(number) (a line was removed, added or moved)")
            }
            if entry.prev != previous {
                return .tampered(line: number, reason: "does not chain to the line before (a line was removed or moved)")
            }
            if entry.computedHash != entry.hash {
                return .tampered(line: number, reason: "content does not match its hash (the line was edited)")
            }
            previous = entry.hash
        }
        return .intact(entries: lines.count)
    }

    public static func verify(fileAt url: URL) throws -> Verdict {
        verify(text: try String(contentsOf: url, encoding: .utf8))
    }
}
