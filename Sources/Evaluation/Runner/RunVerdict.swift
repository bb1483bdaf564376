/// The outcome of one run of a scenario.
public enum RunVerdict: String, Sendable, Codable, Equatable {
    case pass, fail
    /// The harness could not run or judge the call (bad file, agent failed to load, crash).
    case error
}
