/// Why the terminal could not be set up for the call screen.
public struct TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String
    public var suggestion: String

    public init(problem: String, suggestion: String) {
        self.problem = problem
        self.suggestion = suggestion
    }

    public var description: String { "\(problem) (\(suggestion))" }
}
