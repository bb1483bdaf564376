import Foundation
import GRDB
import RingsideCore

/// Creates and opens an agent's SQLite database from its seed SQL.
public enum AgentDatabase {
    /// Builds a new database file at `url` from the agent's seed (replacing any file there).
    public static func create(at url: URL, definition: AgentDefinition) throws(LocatedError) -> DatabaseQueue {
        guard let database = definition.database else {
            throw LocatedError(SourceLocation(file: definition.directory.appendingPathComponent("agent.yaml").path), field: "database", problem: "the agent has no database", suggestion: "add 'database: {seed: seed.sql}'")
        }
        let seedURL = definition.directory.appendingPathComponent(database.seed)
        let sql: String
        do {
            sql = try String(contentsOf: seedURL, encoding: .utf8)
        } catch {
            throw LocatedError(SourceLocation(file: seedURL.path), field: "database.seed", problem: "cannot read the seed SQL", suggestion: "check the path in database.seed")
        }
        do {
            try? FileManager.default.removeItem(at: url)
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in try SeedScript.run(sql, file: seedURL.path, in: db) }
            return queue
        } catch let error as LocatedError {
            throw error
        } catch {
            throw LocatedError(SourceLocation(file: seedURL.path), field: "database.seed", problem: "the seed SQL failed: \(error)", suggestion: "run it with sqlite3 to find the broken statement")
        }
    }

    /// Opens an existing database file for the agent's tools.
    public static func open(at url: URL) throws(LocatedError) -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw LocatedError(SourceLocation(file: url.path), problem: "no such database file", suggestion: "leave out --database to use a fresh copy of the seed")
        }
        do {
            return try DatabaseQueue(path: url.path)
        } catch {
            throw LocatedError(SourceLocation(file: url.path), problem: "cannot open the database: \(error)")
        }
    }

    /// An in-memory database seeded like the real one, for reading names at load time.
    static func openReadOnly(definition: AgentDefinition, database: DatabaseSettings) throws -> DatabaseQueue {
        let seedURL = definition.directory.appendingPathComponent(database.seed)
        let sql = try String(contentsOf: seedURL, encoding: .utf8)
        let queue = try DatabaseQueue()
        try queue.write { db in try SeedScript.run(sql, file: seedURL.path, in: db) }
        return queue
    }
}
