/// A place in a file that a problem is about. Line and column are 1-based; 0 means unknown.
public struct SourceLocation: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        switch (line, column) {
        case (0, _): return file
        case (_, 0): return "\(file):\(line)"
        default: return "\(file):\(line):\(column)"
        }
    }
}

/// A problem with an input file (agent, scenario, theme, WAV, SDP…), said so a user can fix it.
///
/// Renders as `FILE:LINE:COL: FIELD: PROBLEM (FIX)`.
public struct LocatedError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var field: String?
    public var problem: String
    public var suggestion: String?

    public init(_ location: SourceLocation, field: String? = nil, problem: String, suggestion: String? = nil) {
        self.location = location
        self.field = field
        self.problem = problem
        self.suggestion = suggestion
    }

    public var description: String {
        var s = "\(location): "
        if let field { s += "\(field): " }
        s += problem
        if let suggestion { s += " (\(suggestion))" }
        return s
    }
}
