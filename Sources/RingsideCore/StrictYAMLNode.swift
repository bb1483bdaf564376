import Yams

/// A YAML node of an input file (scenario, price table, configuration) with its location, read
/// strictly: every mapping declares the keys it allows, and wrong types or values are reported at
/// the node's line and column.
public struct StrictYAMLNode {
    public let node: Node
    public let file: String
    /// Dotted path of keys for error messages.
    public let path: String

    public init(node: Node, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    /// The document's root node; an empty document or invalid YAML is an error naming `what` the file is.
    public static func document(yaml: String, file: String, what: String, example: String) throws(LocatedError) -> StrictYAMLNode {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw LocatedError(SourceLocation(file: file), problem: "not valid YAML: \(error)")
        }
        guard let root else {
            throw LocatedError(SourceLocation(file: file, line: 1, column: 1), problem: "the \(what) is empty", suggestion: "write e.g. '\(example)'")
        }
        return StrictYAMLNode(node: root, file: file, path: "")
    }

    public var line: Int { node.mark?.line ?? 0 }
    public var column: Int { node.mark?.column ?? 0 }

    public func error(_ problem: String, suggestion: String? = nil) -> LocatedError {
        LocatedError(SourceLocation(file: file, line: line, column: column), field: path.isEmpty ? nil : path, problem: problem, suggestion: suggestion)
    }

    /// The mapping's children by key, after checking every key is one of `allowed`.
    public func mapping(allowed: [String]) throws(LocatedError) -> [String: StrictYAMLNode] {
        guard let mapping = node.mapping else { throw error("expected a mapping", suggestion: "write 'key: value' lines here") }
        var out: [String: StrictYAMLNode] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let keyPath = path.isEmpty ? name : "\(path).\(name)"
            guard allowed.contains(name) else {
                let nearest = allowed.min { editDistance($0, name) < editDistance($1, name) }
                var hint = "allowed keys here: " + allowed.joined(separator: ", ")
                if let nearest, editDistance(nearest, name) <= max(2, name.count / 3) { hint = "did you mean '\(nearest)'? " + hint }
                throw LocatedError(SourceLocation(file: file, line: key.mark?.line ?? 0, column: key.mark?.column ?? 0),
                                   field: keyPath, problem: "unknown key '\(name)'", suggestion: hint)
            }
            if out[name] != nil {
                throw LocatedError(SourceLocation(file: file, line: key.mark?.line ?? 0, column: key.mark?.column ?? 0),
                                   field: keyPath, problem: "key '\(name)' appears twice", suggestion: "keep one")
            }
            out[name] = StrictYAMLNode(node: value, file: file, path: keyPath)
        }
        return out
    }

    public func sequence() throws(LocatedError) -> [StrictYAMLNode] {
        guard let sequence = node.sequence else { throw error("expected a list", suggestion: "write '- item' lines or [a, b]") }
        return sequence.enumerated().map { StrictYAMLNode(node: $0.element, file: file, path: "\(path)[\($0.offset)]") }
    }

    public func string() throws(LocatedError) -> String {
        guard let scalar = node.scalar else { throw error("expected text") }
        return scalar.string
    }

    public func int(in range: ClosedRange<Int>) throws(LocatedError) -> Int {
        guard let s = node.scalar?.string, let v = Int(s) else { throw error("expected a whole number") }
        guard range.contains(v) else { throw error("\(v) is out of range", suggestion: "use \(range.lowerBound)…\(range.upperBound)") }
        return v
    }

    public func double(in range: ClosedRange<Double>) throws(LocatedError) -> Double {
        guard let s = node.scalar?.string, let v = Double(s) else { throw error("expected a number") }
        guard range.contains(v) else { throw error("\(v) is out of range", suggestion: "use \(range.lowerBound)…\(range.upperBound)") }
        return v
    }

    public func bool() throws(LocatedError) -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default: throw error("expected true or false")
        }
    }

    public func strings() throws(LocatedError) -> [String] {
        if node.scalar != nil { return [try string()] }
        var out: [String] = []
        for item in try sequence() { out.append(try item.string()) }
        return out
    }

    public func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws(LocatedError) -> E where E.RawValue == String {
        let s = try string()
        guard let v = E(rawValue: s) else {
            throw error("'\(s)' is not allowed", suggestion: "use one of: " + E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return v
    }

    /// A regular expression, checked to compile.
    public func pattern() throws(LocatedError) -> String {
        let s = try string()
        guard (try? Regex(s)) != nil else { throw error("'\(s)' is not a valid regular expression") }
        return s
    }

    public func patterns() throws(LocatedError) -> [String] {
        if node.scalar != nil { return [try pattern()] }
        var out: [String] = []
        for item in try sequence() { out.append(try item.pattern()) }
        return out
    }
}

