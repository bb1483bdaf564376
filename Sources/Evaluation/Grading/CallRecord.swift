import Foundation
import RingsideCore

/// Everything the grader looks at after a call: its events, what the caller did, the answers to the
/// scenario's database queries, and the recording's text files.
public struct CallRecord: Sendable {
    public var events: [CallEvent]
    public var spoken: [ScenarioCaller.SpokenTurn]
    /// Required turns the caller never took.
    public var missedTurns: [Int]
    public var callerGaveUp: String?
    public var endReason: String
    /// One answer per `assert.sql` check, in order: rows, or the error the query raised.
    public var queryRows: [Result<[[String]], QueryFailure>]
    /// The agent's disclosure sentence(s).
    public var disclosure: String
    /// Text of every file of the recording, by file name.
    public var recordingTexts: [String: String]
    /// Redacts text as the agent's policy does (for WER references).
    public var redact: @Sendable (String) -> String
    /// Share of the disclosure's words the agent's first line must contain: 1 means word for word
    /// (the embedded agent's own text); less when the agent's words come from local speech
    /// recognition of a remote call.
    public var disclosureMatch = 1.0

    public init(events: [CallEvent], spoken: [ScenarioCaller.SpokenTurn], missedTurns: [Int] = [], callerGaveUp: String? = nil, endReason: String,
                queryRows: [Result<[[String]], QueryFailure>] = [], disclosure: String = "", recordingTexts: [String: String] = [:],
                redact: @escaping @Sendable (String) -> String = { $0 }) {
        self.events = events
        self.spoken = spoken
        self.missedTurns = missedTurns
        self.callerGaveUp = callerGaveUp
        self.endReason = endReason
        self.queryRows = queryRows
        self.disclosure = disclosure
        self.recordingTexts = recordingTexts
        self.redact = redact
    }
}

/// A database check's query failed to run.
public struct QueryFailure: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
