/// The latency breakdown of one turn, computed only from the timestamps of its `CallEvent`s.
///
/// Feed it a turn's events with `record(_:)` as they arrive (the TUI does), or build every turn
/// of a finished call at once with `TurnLatency.turns(from:)` (reports and benchmarks do).
/// Voice-to-voice is the caller's true end of speech to the agent's playout starting.
public struct TurnLatency: Sendable, Equatable {
    /// A span of a stage that started and may not have finished yet.
    public struct Span: Sendable, Equatable {
        public var start: MediaTime
        public var end: MediaTime?
    }

    public var turn: Int
    /// When the caller really stopped speaking (from end-of-turn, else from the VAD).
    public private(set) var speechEnd: MediaTime?
    public private(set) var endOfTurnAt: MediaTime?
    public private(set) var finalTranscriptAt: MediaTime?
    public private(set) var brainSpans: [Span] = []
    public private(set) var tools: [ToolLatency] = []
    public private(set) var ttsRequestedAt: MediaTime?
    public private(set) var ttsFirstAudioAt: MediaTime?
    public private(set) var playoutStartedAt: MediaTime?
    /// Whether the reply was worked out at a pause and whether that held; nil: not speculated on.
    public private(set) var speculation: SpeculationOutcome?

    public init(turn: Int) { self.turn = turn }

    /// Folds one event of this turn in. Events of other kinds are ignored.
    public mutating func record(_ event: CallEvent) {
        let t = event.time
        switch event.payload {
        case .speechStopped(.caller, let trueEnd):
            if endOfTurnAt == nil { speechEnd = trueEnd }
        case .endOfTurn(let trueEnd, _):
            if endOfTurnAt == nil {
                speechEnd = trueEnd
                endOfTurnAt = t
            }
        case .finalTranscript(.caller, _, _):
            if finalTranscriptAt == nil { finalTranscriptAt = t }
        case .brainStarted:
            brainSpans.append(Span(start: t))
        case .brainDecided:
            if let open = brainSpans.lastIndex(where: { $0.end == nil }) { brainSpans[open].end = t }
        case .toolStarted(let trace):
            tools.append(ToolLatency(invocation: trace.invocation, tool: trace.tool, attempt: trace.attempt, started: t))
        case .toolFinished(let trace):
            closeTool(trace, at: t, failed: false)
        case .toolFailed(let trace, _):
            closeTool(trace, at: t, failed: true)
        case .ttsRequested:
            if ttsRequestedAt == nil { ttsRequestedAt = t }
        case .ttsFirstAudio:
            if ttsFirstAudioAt == nil, ttsRequestedAt != nil { ttsFirstAudioAt = t }
        case .playoutStarted:
            if playoutStartedAt == nil { playoutStartedAt = t }
        case .speculation(let outcome):
            speculation = outcome
        default:
            break
        }
    }

    private mutating func closeTool(_ trace: ToolCallTrace, at time: MediaTime, failed: Bool) {
        if let i = tools.lastIndex(where: { $0.invocation == trace.invocation && $0.attempt == trace.attempt && $0.ended == nil }) {
            tools[i].ended = time
            tools[i].failed = failed
        } else if let ms = trace.durationMs {
            // A finish without a start: trust the duration the tool reported.
            tools.append(ToolLatency(invocation: trace.invocation, tool: trace.tool, attempt: trace.attempt,
                                     started: time - .milliseconds(ms), ended: time, failed: failed))
        }
    }

    /// Milliseconds spent in `stage`, or nil when the turn has not got that far (or never used it).
    public func milliseconds(_ stage: LatencyStage) -> Double? {
        switch stage {
        case .endpointing: return Self.between(speechEnd, endOfTurnAt)
        case .stt: return Self.between(endOfTurnAt, finalTranscriptAt)
        case .brain:
            let done = brainSpans.compactMap { s in s.end.map { ($0 - s.start).milliseconds } }
            return done.isEmpty ? nil : done.reduce(0, +)
        case .tools:
            let done = tools.compactMap(\.milliseconds)
            return done.isEmpty ? nil : done.reduce(0, +)
        case .tts: return Self.between(ttsRequestedAt, ttsFirstAudioAt)
        case .playout: return Self.between(ttsFirstAudioAt, playoutStartedAt)
        }
    }

    /// True end of caller speech → agent playout started; nil until both happened.
    public var voiceToVoiceMs: Double? { Self.between(speechEnd, playoutStartedAt) }

    /// Every stage that took time in this turn, in pipeline order.
    public var stageBreakdown: [(stage: LatencyStage, ms: Double)] {
        LatencyStage.allCases.compactMap { stage in milliseconds(stage).map { (stage, $0) } }
    }

    /// The stage that took longest, if any finished.
    public var biggestStage: (stage: LatencyStage, ms: Double)? {
        stageBreakdown.max { $0.ms < $1.ms }
    }

    private static func between(_ a: MediaTime?, _ b: MediaTime?) -> Double? {
        guard let a, let b else { return nil }
        return max(0, (b - a).milliseconds)
    }

    /// Every turn found in `events`, in turn order. Turns with no latency-relevant event are left out.
    public static func turns(from events: some Sequence<CallEvent>) -> [TurnLatency] {
        var byTurn: [Int: TurnLatency] = [:]
        for event in events {
            var turn = byTurn[event.turn] ?? TurnLatency(turn: event.turn)
            turn.record(event)
            byTurn[event.turn] = turn
        }
        return byTurn.values.filter(\.hasData).sorted { $0.turn < $1.turn }
    }

    /// Whether any latency-relevant event has been recorded.
    public var hasData: Bool {
        speechEnd != nil || endOfTurnAt != nil || finalTranscriptAt != nil || !brainSpans.isEmpty || !tools.isEmpty
            || ttsRequestedAt != nil || playoutStartedAt != nil
    }
}
