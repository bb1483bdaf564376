import RingsideCore

/// One line of a run's transcript for reports: who said or did what, when. Not the call screen's
/// `TranscriptLine` (TUI), which holds live partials and barge-in cuts for one pane; this one is the
/// finished record, with tool, policy and session lines, written into JSON and HTML reports.
public struct RunTranscriptLine: Sendable, Codable, Equatable {
    /// Who a line is from; encoded as its raw value ("caller", "tool"…), as reports always wrote it.
    public enum Source: String, Sendable, Codable, Hashable {
        case caller, agent, human, tool, policy, session

        /// The side that spoke.
        public init(_ speaker: Speaker) {
            switch speaker {
            case .caller: self = .caller
            case .agent: self = .agent
            case .human: self = .human
            }
        }
    }

    /// Seconds of call time.
    public var time: Double
    public var who: Source
    public var text: String

    public init(time: Double, who: Source, text: String) {
        self.time = time
        self.who = who
        self.text = text
    }
}
