import Foundation
import GRDB
import RingsideCore

/// A local store of short summaries of earlier calls, by caller, deleted after the retention period.
///
/// Used only when the agent file enables memory; a returning caller hears the latest summary.
public final class CallerMemory: Sendable {
    private let queue: DatabaseQueue
    private let retentionSeconds: Double

    public init(url: URL, retentionDays: Double) throws(LocatedError) {
        do {
            queue = try DatabaseQueue(path: url.path)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS prior_calls (caller TEXT NOT NULL, at REAL NOT NULL, summary TEXT NOT NULL)")
            }
        } catch {
            throw LocatedError(SourceLocation(file: url.path), problem: "cannot open the caller memory store: \(error)", suggestion: "check the path is writable")
        }
        retentionSeconds = retentionDays * 86_400
    }

    /// Deletes summaries older than the retention period; returns how many went.
    @discardableResult
    public func purge(now: Date = Date()) throws -> Int {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM prior_calls WHERE at < ?", arguments: [now.timeIntervalSince1970 - retentionSeconds])
            return db.changesCount
        }
    }

    /// The most recent summaries for a caller (newest first), after purging expired ones.
    public func recall(caller: String, now: Date = Date(), limit: Int = 2) throws -> [String] {
        try purge(now: now)
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT summary FROM prior_calls WHERE caller = ? ORDER BY at DESC LIMIT ?", arguments: [caller, limit])
        }
    }

    public func remember(caller: String, summary: String, now: Date = Date()) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO prior_calls (caller, at, summary) VALUES (?, ?, ?)", arguments: [caller, now.timeIntervalSince1970, summary])
        }
    }
}
