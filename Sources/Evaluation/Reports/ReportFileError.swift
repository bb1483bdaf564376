import Foundation

/// A JSON report that could not be read: missing, unreadable, not JSON, or not a Ringside report.
public struct ReportFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path as given.
    public var file: String
    /// What is wrong, for a person: "no such file", "not JSON", "results[2]: missing key 'verdict'"….
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }

    /// Says where in the document a decoding error is and what it expected.
    static func problem(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            let text = path.reduce("") { text, key in
                key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue)
            }
            return text.isEmpty ? "" : text + ": "
        }
        let what = "not a Ringside test report (as `ringside test --json` writes)"
        switch error {
        case let .keyNotFound(key, context): return "\(what): \(place(context.codingPath))missing key '\(key.stringValue)'"
        case let .typeMismatch(type, context): return "\(what): \(place(context.codingPath))expected \(type)"
        case let .valueNotFound(type, context): return "\(what): \(place(context.codingPath))expected \(type), found null"
        case let .dataCorrupted(context): return "\(what): \(place(context.codingPath))\(context.debugDescription)"
        @unknown default: return "\(what): \(error)"
        }
    }
}
