import Foundation
import GRDB

/// Runs one named, parameterised statement against the agent's database. Values are always bound.
///
/// A SELECT returns its rows as JSON objects; any other statement returns `{"changes": N}`.
public struct SQLTool: Tool {
    public let definition: ToolDefinition
    private let spec: SQLToolSpec
    private let database: DatabaseQueue

    public init(definition: ToolDefinition, spec: SQLToolSpec, database: DatabaseQueue) {
        self.definition = definition
        self.spec = spec
        self.database = database
    }

    public func call(_ arguments: JSONValue) async throws(ToolError) -> JSONValue {
        var bound: [String: (any DatabaseValueConvertible)?] = [:]
        for name in spec.placeholders {
            guard let value = arguments[name] else { throw .missingArgument(name) }
            bound[name] = SQLTool.bindable(value)
        }
        let statementArguments = StatementArguments(bound)
        let query = spec.query
        let isRead = query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasPrefix("select")
            || query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasPrefix("with")
        do {
            if isRead {
                // Rows become JSON inside the read: `Row` is not Sendable, so returning rows would pick
                // GRDB's blocking overload (and hold a cooperative thread while SQLite works).
                return try await database.read { db in .array(try Row.fetchAll(db, sql: query, arguments: statementArguments).map(SQLTool.json)) }
            }
            let changes = try await database.write { db -> Int in
                try db.execute(sql: query, arguments: statementArguments)
                return db.changesCount
            }
            return .object(["changes": .number(Double(changes))])
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// A JSON argument as a value SQLite binds: numbers stay numbers, text stays text.
    static func bindable(_ value: JSONValue) -> (any DatabaseValueConvertible)? {
        switch value {
        case .null: return nil as String?
        case .bool(let b): return b
        case .number(let n): return n == n.rounded() ? Int64(n) : n
        default: return value.stringValue ?? value.jsonText
        }
    }

    static func json(_ row: Row) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (column, value) in row {
            switch value.storage {
            case .null: object[column] = .null
            case .int64(let i): object[column] = .number(Double(i))
            case .double(let d): object[column] = .number(d)
            case .string(let s): object[column] = .string(s)
            case .blob(let data): object[column] = .string(data.base64EncodedString())
            }
        }
        return .object(object)
    }
}
