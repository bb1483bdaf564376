import Foundation
import Logging
import RingsideCore

/// An append-only JSONL audit log whose every entry carries the hash of the one before it.
///
/// Reopening a file continues its chain, so one file can span many calls. Every detail is redacted
/// before it is written.
public actor AuditLog {
    public let url: URL
    private let redactor: Redactor
    private var lastHash: String
    private var lastSeq: Int
    private let handle: FileHandle
    private let logger = Logger(label: "ringside.agent.audit")

    public init(url: URL, redactor: Redactor) throws(LocatedError) {
        self.url = url
        self.redactor = redactor
        let fm = FileManager.default
        if !fm.fileExists(atPath: url.path) {
            guard fm.createFile(atPath: url.path, contents: nil) else {
                throw LocatedError(SourceLocation(file: url.path), problem: "cannot create the audit log", suggestion: "check that the folder exists and is writable")
            }
        }
        let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let last = existing.split(separator: "\n").last.flatMap { try? JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
        lastHash = last?.hash ?? AuditEntry.genesis
        lastSeq = last?.seq ?? 0
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw LocatedError(SourceLocation(file: url.path), problem: "cannot open the audit log for appending: \(error)")
        }
    }

    deinit { try? handle.close() }

    /// Appends one entry and returns it.
    @discardableResult
    public func append(call: String, kind: String, time: MediaTime, detail: JSONValue) -> AuditEntry {
        var entry = AuditEntry(seq: lastSeq + 1, timeMs: time.milliseconds, call: call, kind: kind, detail: redactor.redact(detail), prev: lastHash, hash: "")
        entry.hash = entry.computedHash
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(entry) {
            do {
                try handle.write(contentsOf: data + Data("\n".utf8))
            } catch {
                logger.error("cannot append to the audit log", metadata: ["file": "\(url.path)", "error": "\(error)"])
            }
        }
        lastSeq = entry.seq
        lastHash = entry.hash
        return entry
    }
}
