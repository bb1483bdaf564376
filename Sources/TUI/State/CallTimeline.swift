import RingsideCore

/// Who was speaking when, and where turns ended or were interrupted, for the timeline lanes.
/// Keeps a little more than the visible window and forgets the rest.
public struct CallTimeline: Sendable, Equatable {
    /// A stretch of speech on one lane; `end` is nil while it continues.
    public struct Span: Sendable, Equatable {
        public var speaker: Speaker
        public var start: MediaTime
        public var end: MediaTime?
    }

    /// A point worth marking on the timeline.
    public struct Mark: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case endOfTurn, bargeIn }
        public var kind: Kind
        public var time: MediaTime
    }

    /// How much history the lanes show.
    public static let window = MediaTime.seconds(30)

    public private(set) var callerSpans: [Span] = []
    /// Agent playout, and the human's speech after a takeover.
    public private(set) var agentSpans: [Span] = []
    public private(set) var marks: [Mark] = []

    public init() {}

    mutating func startSpeech(_ speaker: Speaker, at time: MediaTime) {
        if speaker == .caller {
            if callerSpans.last?.end != nil || callerSpans.isEmpty { callerSpans.append(Span(speaker: speaker, start: time)) }
        } else if agentSpans.last?.end != nil || agentSpans.isEmpty {
            agentSpans.append(Span(speaker: speaker, start: time))
        }
    }

    mutating func stopSpeech(_ speaker: Speaker, at time: MediaTime) {
        if speaker == .caller {
            if let i = callerSpans.indices.last, callerSpans[i].end == nil { callerSpans[i].end = time }
        } else if let i = agentSpans.indices.last, agentSpans[i].end == nil {
            agentSpans[i].end = time
        }
    }

    mutating func mark(_ kind: Mark.Kind, at time: MediaTime) {
        marks.append(Mark(kind: kind, time: time))
    }

    /// Drops what ended before the window (with a margin) so memory stays flat on long calls.
    mutating func forget(before time: MediaTime) {
        callerSpans.removeAll { ($0.end ?? time) < time }
        agentSpans.removeAll { ($0.end ?? time) < time }
        marks.removeAll { $0.time < time }
    }
}
