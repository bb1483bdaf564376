/// One line of a run's transcript for reports: who said or did what, when.
public struct TranscriptLine: Sendable, Codable, Equatable {
    /// Seconds of call time.
    public var time: Double
    /// caller, agent, tool, policy, session.
    public var who: String
    public var text: String

    public init(time: Double, who: String, text: String) {
        self.time = time
        self.who = who
        self.text = text
    }
}
