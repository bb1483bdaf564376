import Foundation
import GRDB
import Logging
import RingsideCore
import Yams

/// Reads an `agent.yaml`, decodes it into an `AgentDefinition`, checks it, and reports every problem
/// with file, line, column and field, plus how to fix it. Unknown keys are errors.
public enum AgentLoader {
    /// Loads `DIR/agent.yaml` and the names its database knows.
    public static func load(directory: URL) throws(LocatedError) -> AgentDefinition {
        let file = directory.appendingPathComponent("agent.yaml")
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw LocatedError(SourceLocation(file: file.path), problem: "cannot read the agent file", suggestion: "check that \(directory.path) is an agent folder with an agent.yaml")
        }
        let decoded = try decode(yaml: text, file: file.path)
        var definition = decoded.definition
        definition.directory = directory
        if let database = definition.database, !FileManager.default.fileExists(atPath: directory.appendingPathComponent(database.seed).path) {
            throw locate(DefinitionIssue(path: ["database", "seed"], field: "seed", problem: "no seed file '\(database.seed)' in \(directory.path)",
                                         suggestion: "give the SQL file that creates the agent's database, relative to the agent folder"),
                         in: decoded.node, text: text, file: file.path)
        }
        definition.knownValues = try loadKnownValues(definition, file: file.path)
        return definition
    }

    /// Decodes and checks agent YAML text; `file` is only used in error messages.
    public static func parse(yaml: String, file: String) throws(LocatedError) -> AgentDefinition {
        try decode(yaml: yaml, file: file).definition
    }

    private static func decode(yaml: String, file: String) throws(LocatedError) -> (definition: AgentDefinition, node: Node) {
        guard let node = try YAMLSource.compose(yaml, file: file) else {
            throw LocatedError(SourceLocation(file: file, line: 1, column: 1), problem: "the agent file is empty", suggestion: "start from sample-calls/clinic/agent.yaml")
        }
        let definition: AgentDefinition
        do {
            definition = try YAMLDecoder().decode(AgentDefinition.self, from: node)
        } catch let issue as DefinitionIssue {
            throw locate(issue, in: node, text: yaml, file: file)
        } catch let error as DecodingError {
            throw locate(decodingIssue(error), in: node, text: yaml, file: file)
        } catch {
            throw LocatedError(SourceLocation(file: file), problem: "cannot decode the agent file: \(error)")
        }
        if let issue = AgentValidator.firstIssue(in: definition) ?? TemplateChecker.firstIssue(in: definition) {
            throw locate(issue, in: node, text: yaml, file: file)
        }
        return (definition, node)
    }

    /// Values a slot's enum-like fields accept, for suggestions.
    private static let allowedValues: [String: String] = [
        "type": SlotType.allCases.map(\.rawValue).joined(separator: ", "),
        "then": FlowTransition.allCases.map(\.rawValue).joined(separator: ", "),
        "redact": RedactionKind.allCases.map(\.rawValue).joined(separator: ", "),
        "transfer": EscalationTarget.Transfer.allCases.map(\.rawValue).joined(separator: ", "),
    ]

    private static func decodingIssue(_ error: DecodingError) -> DefinitionIssue {
        switch error {
        case .typeMismatch(let type, let context):
            let path = context.codingPath.map(\.pathComponent)
            return DefinitionIssue(path: path, field: fieldName(path), problem: "wrong type: expected \(describe(type))", suggestion: "write a \(describe(type)) here")
        case .valueNotFound(let type, let context):
            let path = context.codingPath.map(\.pathComponent)
            return DefinitionIssue(path: path, field: fieldName(path), problem: "missing value: expected \(describe(type))", suggestion: "fill in a \(describe(type))")
        case .keyNotFound(let key, let context):
            let path = context.codingPath.map(\.pathComponent)
            return DefinitionIssue(path: path, field: key.stringValue, problem: "missing required key '\(key.stringValue)'", suggestion: "add '\(key.stringValue):' here")
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.pathComponent)
            let field = fieldName(path)
            let hint = allowedValues[field].map { "use one of: \($0)" } ?? "check the value's spelling"
            return DefinitionIssue(path: path, field: field, problem: "invalid value", suggestion: hint)
        @unknown default:
            return DefinitionIssue(path: [], field: "", problem: "\(error)")
        }
    }

    private static func fieldName(_ path: [String]) -> String {
        path.last { Int($0) == nil } ?? "document"
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Int.Type: return "whole number"
        case is Double.Type: return "number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "list" }
            if name.hasPrefix("Dictionary") { return "mapping" }
            return "mapping"
        }
    }

    private static func locate(_ issue: DefinitionIssue, in root: Node, text: String, file: String) -> LocatedError {
        let mark = YAMLLocator.mark(for: issue.path, in: root, atKey: issue.atKey)
        var position = mark.map { (line: $0.line, column: $0.column) }
        if let mark, let inside = issue.inValue, let found = YAMLSource.position(of: inside.character, occurrence: inside.occurrence, after: mark, in: text) {
            position = found
        }
        let field = issue.path.isEmpty ? issue.field : (issue.path + (issue.path.last == issue.field ? [] : [issue.field])).joined(separator: ".")
        return LocatedError(
            SourceLocation(file: file, line: position?.line ?? 0, column: position?.column ?? 0),
            field: field, problem: issue.problem, suggestion: issue.suggestion
        )
    }

    private static func loadKnownValues(_ definition: AgentDefinition, file: String) throws(LocatedError) -> [String: [String]] {
        let sources = definition.slots.compactMap { name, slot in slot.valuesFrom.map { (name, $0) } }
        guard !sources.isEmpty, let database = definition.database else { return [:] }
        do {
            let queue = try AgentDatabase.openReadOnly(definition: definition, database: database)
            var known: [String: [String]] = [:]
            for (slot, toolName) in sources {
                guard let tool = definition.tools[toolName], case .sql(let spec) = tool.kind else { continue }
                known[slot] = try queue.read { db in try String.fetchAll(db, sql: spec.query) }
            }
            return known
        } catch let error as LocatedError {
            throw error
        } catch {
            throw LocatedError(SourceLocation(file: file), field: "database", problem: "cannot read names from the database: \(error)", suggestion: "check database.seed and the values_from tools")
        }
    }
}
