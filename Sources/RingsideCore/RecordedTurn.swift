/// One turn of a recorded call: the events stamped with its number, from the first to the one
/// before the next turn begins, and the stretch of audio it covers. Read from a recording by the
/// `replay` command and stepped through by the replay screen.
public struct RecordedTurn: Sendable, Equatable {
    public let number: Int
    /// Index of the last event that belongs to this turn (events up to it show the turn complete).
    public let lastEventIndex: Int
    public let start: MediaTime
    public let end: MediaTime
    public let callerText: String
    public let agentText: String
    public let tools: [String]

    public init(number: Int, lastEventIndex: Int, start: MediaTime, end: MediaTime, callerText: String = "", agentText: String = "",
                tools: [String] = []) {
        self.number = number
        self.lastEventIndex = lastEventIndex
        self.start = start
        self.end = end
        self.callerText = callerText
        self.agentText = agentText
        self.tools = tools
    }

    /// Divides events into turns by their turn numbers, in the order turns begin. Audio for a turn
    /// runs from the caller starting to speak (or the turn's first event) to the next turn's start.
    /// `until` is where the last turn's audio ends (the recording's length; default: its last event).
    public static func split(_ events: [CallEvent], until: MediaTime? = nil) -> [RecordedTurn] {
        // Each turn number with the index of its first event, in the order turns begin.
        var firsts: [(number: Int, index: Int)] = []
        var seen = Set<Int>()
        for (i, e) in events.enumerated() where seen.insert(e.turn).inserted { firsts.append((e.turn, i)) }
        var turns: [RecordedTurn] = []
        for (k, first) in firsts.enumerated() {
            let number = first.number
            let nextFirst = k + 1 < firsts.count ? firsts[k + 1].index : nil
            let to = (nextFirst ?? events.count) - 1
            let firstTime = events[first.index].time
            var caller: [String] = [], agent: [String] = [], tools: [String] = []
            var speechStart: MediaTime?
            for e in events where e.turn == number {
                switch e.payload {
                case let .finalTranscript(speaker, text, _) where speaker != .agent && !text.isEmpty: caller.append(text)
                case let .ttsRequested(text), let .farEndHeard(text): agent.append(text)
                case let .toolStarted(trace): tools.append(trace.tool)
                case .speechStarted(.caller): speechStart = speechStart ?? e.time
                default: break
                }
            }
            let start = min(speechStart ?? firstTime, firstTime)
            let next = nextFirst.map { events[$0].time } ?? max(until ?? .zero, events.last?.time ?? start)
            turns.append(RecordedTurn(number: number, lastEventIndex: to, start: start, end: max(start, next),
                                      callerText: caller.joined(separator: " "), agentText: agent.joined(separator: " "), tools: tools))
        }
        // A turn's audio ends where the next one's begins (its caller may start before its first event).
        for i in turns.indices.dropLast() where turns[i + 1].start < turns[i].end {
            let t = turns[i]
            turns[i] = RecordedTurn(number: t.number, lastEventIndex: t.lastEventIndex, start: t.start, end: max(t.start, turns[i + 1].start),
                                    callerText: t.callerText, agentText: t.agentText, tools: t.tools)
        }
        return turns
    }
}
