import Foundation
import GRDB
import RingsideCore

/// Runs an agent's seed SQL one statement at a time, so a failure names the line and column of the
/// statement (or, for a syntax error or an unknown name, of the word SQLite complains about).
enum SeedScript {
    static func run(_ sql: String, file: String, in db: Database) throws(LocatedError) {
        let statements: SQLStatementCursor
        do { statements = try db.allStatements(sql: sql) } catch { throw LocatedError(SourceLocation(file: file), problem: "the seed SQL failed: \(error)") }
        var position = sql.startIndex
        while true {
            let statement: Statement
            do {
                guard let next = try statements.next() else { return }
                statement = next
            } catch {
                throw located(error, statementStart: firstWord(in: sql, from: position), sql: sql, file: file)
            }
            let range = sql.range(of: statement.sql, range: position..<sql.endIndex)
            let start = firstWord(in: sql, from: range?.lowerBound ?? position)
            position = range?.upperBound ?? position
            do { try statement.execute() } catch { throw located(error, statementStart: start, sql: sql, file: file) }
        }
    }

    private static func located(_ error: Error, statementStart: String.Index, sql: String, file: String) -> LocatedError {
        let message = (error as? DatabaseError)?.message ?? "\(error)"
        var at = statementStart
        if let word = culprit(in: message), let found = sql.range(of: word, range: statementStart..<sql.endIndex) { at = found.lowerBound }
        let (line, column) = position(of: at, in: sql)
        return LocatedError(SourceLocation(file: file, line: line, column: column), problem: "the seed SQL failed: \(message)",
                            suggestion: "fix this statement; the agent's database is built from this file")
    }

    /// The word an SQLite message names: `near "X": syntax error`, `no such table: X`, `no such column: X`.
    private static func culprit(in message: String) -> String? {
        if let near = message.range(of: "near \""), let end = message[near.upperBound...].firstIndex(of: "\"") {
            return String(message[near.upperBound..<end])
        }
        for prefix in ["no such table: ", "no such column: "] where message.hasPrefix(prefix) {
            let name = message.dropFirst(prefix.count)
            return String(name.split(separator: ".").last ?? name)
        }
        return nil
    }

    /// The first character at or after `index` that is not white space, `;` or a comment.
    private static func firstWord(in sql: String, from index: String.Index) -> String.Index {
        var i = index
        while i < sql.endIndex {
            let rest = sql[i...]
            if rest.first?.isWhitespace == true || rest.first == ";" {
                i = sql.index(after: i)
            } else if rest.hasPrefix("--") {
                i = rest.firstIndex(of: "\n") ?? sql.endIndex
            } else if rest.hasPrefix("/*") {
                i = rest.range(of: "*/")?.upperBound ?? sql.endIndex
            } else {
                break
            }
        }
        return i
    }

    /// 1-based line and column (in characters) of `index`.
    private static func position(of index: String.Index, in text: String) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for character in text[..<index] {
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}
