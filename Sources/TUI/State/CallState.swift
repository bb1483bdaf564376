import RingsideCore

/// Everything the call screen shows, folded from the call's events.
///
/// `apply(_:)` is the only way events change it; widgets read it and nothing else, so the
/// screen is a pure function of this value and can be tested without a terminal.
public struct CallState: Sendable, Equatable {
    public var status: CallStatus = .idle
    public var mode: ControlMode = .agent
    /// Set by the app when it builds the session; `callStarted` fills in agent and transport.
    public var sessionInfo = SessionInfo()
    /// The latest SIP state the transport reported, if any.
    public var sipState: SIPState?
    /// Who took over, while in human mode.
    public var takenOverBy: String?
    public private(set) var transcript: [TranscriptLine] = []
    /// Latency per turn, keyed by turn number.
    public private(set) var latencies: [Int: TurnLatency] = [:]
    public private(set) var latencySummary = LatencySummary(turns: [])
    public private(set) var timeline = CallTimeline()
    public private(set) var tools: [ToolTraceRow] = []
    /// Approval requests not yet decided, oldest first; `a`/`d` act on the first.
    public private(set) var pendingApprovals: [ApprovalRequest] = []
    public private(set) var levels: [Speaker: AudioLevel] = [:]
    public private(set) var lastError: String?
    public private(set) var rtp: [RTPStats.Direction: RTPStats] = [:]
    /// A supervised call's other leg: the remote agent's RTP quality, each direction.
    public private(set) var agentLegRTP: [RTPStats.Direction: RTPStats] = [:]
    /// The latest time seen, from events or from the app's clock ticks.
    public private(set) var now: MediaTime = .zero
    public var view = ViewState()

    /// Transcript lines kept; older ones are dropped so long calls stay cheap.
    public static let transcriptLimit = 2_000
    /// Tool rows kept.
    public static let toolLimit = 200

    public init(sessionInfo: SessionInfo = SessionInfo()) {
        self.sessionInfo = sessionInfo
    }

    /// Turns with latency data, in order.
    public var turnLatencies: [TurnLatency] { latencies.values.sorted { $0.turn < $1.turn } }

    /// How long the call has lasted (or lasted, once ended).
    public var callDuration: MediaTime {
        switch status {
        case .inCall(let since): return now - since
        case .ended(_, let duration): return duration
        case .idle, .connecting: return .zero
        }
    }

    /// Moves the state's notion of now forward (the app does this from its clock between events).
    public mutating func advance(to time: MediaTime) {
        guard time > now else { return }
        now = time
        timeline.forget(before: now - CallTimeline.window - CallTimeline.window)
    }

    /// Folds one event into the state.
    public mutating func apply(_ event: CallEvent) {
        advance(to: event.time)
        if Self.affectsLatency(event.payload) {
            var turn = latencies[event.turn] ?? TurnLatency(turn: event.turn)
            turn.record(event)
            latencies[event.turn] = turn
            latencySummary = LatencySummary(turns: turnLatencies)
        }
        let t = event.time
        switch event.payload {
        case .callStarted(let agent, let transport):
            status = .inCall(since: t)
            sessionInfo.agentName = agent
            sessionInfo.transport = transport
        case .callEnded(let reason):
            status = .ended(reason: reason, duration: callDuration)
            pendingApprovals.removeAll()
        case .sipState(let s):
            sipState = s
            if case .idle = status { status = .connecting(s.description) } else if case .connecting = status { status = .connecting(s.description) }
        case .speechStarted(let speaker):
            timeline.startSpeech(speaker, at: t)
        case .speechStopped(let speaker, let trueEnd):
            timeline.stopSpeech(speaker, at: trueEnd)
        case .endOfTurn:
            timeline.mark(.endOfTurn, at: t)
        case .partialTranscript(let speaker, let text):
            setPartial(speaker: speaker, text: text, turn: event.turn, time: t)
        case .finalTranscript(let speaker, let text, _):
            setFinal(speaker: speaker, text: text, turn: event.turn, time: t)
        case .ttsRequested(let text):
            appendLine(TranscriptLine(speaker: mode == .human ? .human : .agent, text: text, kind: .final, turn: event.turn, time: t))
        case .farEndHeard(let text):
            appendLine(TranscriptLine(speaker: .agent, text: text, kind: .final, turn: event.turn, time: t))
        case .playoutStarted:
            timeline.startSpeech(.agent, at: t)
        case .playoutFinished:
            timeline.stopSpeech(.agent, at: t)
        case .fragmentJoined:
            appendNote("the caller went on: one turn with the next", turn: event.turn, time: t)
        case .speculation:
            break  // shown on the turn's latency bar (folded in above)
        case .bargeIn(let heardText, let heardFraction):
            markBargeIn(heardText: heardText, heardFraction: heardFraction)
            timeline.stopSpeech(.agent, at: t)
            timeline.mark(.bargeIn, at: t)
        case .toolStarted(let trace):
            toolStarted(trace, turn: event.turn)
        case .toolFinished(let trace):
            toolEnded(trace, status: .ok, result: trace.result ?? "", at: t)
        case .toolFailed(let trace, let error):
            toolEnded(trace, status: .failed, result: error, at: t)
        case .approvalRequested(let id, let tool, let arguments):
            pendingApprovals.append(ApprovalRequest(id: id, tool: tool, arguments: arguments, requestedAt: t))
        case .approvalDecided(let id, let approved, let by):
            if let request = pendingApprovals.first(where: { $0.id == id }) {
                appendNote("\(request.tool) \(approved ? "approved" : "denied") by \(by)", turn: event.turn, time: t)
            }
            pendingApprovals.removeAll { $0.id == id }
        case .escalated(let summary, let target):
            appendNote("escalated\(target.map { " to \($0)" } ?? ""): \(summary)", turn: event.turn, time: t)
        case .takeover(let by):
            mode = .human
            takenOverBy = by
            appendNote("\(by) took over", turn: event.turn, time: t)
        case .handback:
            mode = .agent
            takenOverBy = nil
            appendNote("handed back to the agent", turn: event.turn, time: t)
        case .contextPassedOn(let context):
            appendNote("context passed on (\(context.split(separator: "\n").count) lines); the agent carries on", turn: event.turn, time: t)
        case .dtmf(let digit):
            appendNote("DTMF \(digit)", turn: event.turn, time: t)
        case .rtpStats(let stats):
            if stats.leg == "agent" { agentLegRTP[stats.direction] = stats } else { rtp[stats.direction] = stats }
        case .level(let speaker, let rms, let peak):
            levels[speaker] = AudioLevel(rms: rms, peak: peak)
        case .error(let message):
            lastError = message
            appendNote("error: \(message)", turn: event.turn, time: t)
        case .finalSource(let source):
            if let why = source.fallback { appendNote("\(source.speaker.rawValue) final by pocketsphinx: \(why)", turn: event.turn, time: t) }
        case .brainStarted, .brainDecided, .ttsFirstAudio, .ttsFinished:
            break
        }
    }

    private static func affectsLatency(_ payload: CallEventPayload) -> Bool {
        switch payload {
        case .speechStopped, .endOfTurn, .finalTranscript, .brainStarted, .brainDecided, .toolStarted, .toolFinished,
             .toolFailed, .ttsRequested, .ttsFirstAudio, .playoutStarted, .speculation:
            return true
        default:
            return false
        }
    }

    // MARK: transcript

    private mutating func appendLine(_ line: TranscriptLine) {
        transcript.append(line)
        if transcript.count > Self.transcriptLimit { transcript.removeFirst(transcript.count - Self.transcriptLimit) }
    }

    private mutating func appendNote(_ text: String, turn: Int, time: MediaTime) {
        appendLine(TranscriptLine(speaker: nil, text: text, kind: .note, turn: turn, time: time))
    }

    private func openPartialIndex(of speaker: Speaker) -> Int? {
        transcript.lastIndex { $0.speaker == speaker && $0.kind == .partial }
    }

    private mutating func setPartial(speaker: Speaker, text: String, turn: Int, time: MediaTime) {
        if let i = openPartialIndex(of: speaker) {
            transcript[i].text = text
            transcript[i].turn = turn
        } else {
            appendLine(TranscriptLine(speaker: speaker, text: text, kind: .partial, turn: turn, time: time))
        }
    }

    private mutating func setFinal(speaker: Speaker, text: String, turn: Int, time: MediaTime) {
        if let i = openPartialIndex(of: speaker) {
            transcript[i].text = text
            transcript[i].kind = .final
            transcript[i].turn = turn
        } else {
            appendLine(TranscriptLine(speaker: speaker, text: text, kind: .final, turn: turn, time: time))
        }
    }

    private mutating func markBargeIn(heardText: String, heardFraction: Double) {
        guard let i = transcript.lastIndex(where: { ($0.speaker == .agent || $0.speaker == .human) && $0.kind == .final }) else { return }
        let text = transcript[i].text
        let heard: Int
        if !heardText.isEmpty, text.hasPrefix(heardText) {
            heard = heardText.count
        } else {
            heard = Int((Double(text.count) * min(1, max(0, heardFraction))).rounded())
        }
        transcript[i].heardCount = heard
    }

    // MARK: tools

    private mutating func toolStarted(_ trace: ToolCallTrace, turn: Int) {
        if let i = tools.lastIndex(where: { $0.invocation == trace.invocation }) {
            tools[i].attempts = max(tools[i].attempts, trace.attempt)
            tools[i].status = .pending
            tools[i].durationMs = nil
            return
        }
        tools.append(ToolTraceRow(invocation: trace.invocation, tool: trace.tool, arguments: trace.arguments,
                                  attempts: trace.attempt, status: .pending, turn: turn))
        if tools.count > Self.toolLimit { tools.removeFirst(tools.count - Self.toolLimit) }
    }

    private mutating func toolEnded(_ trace: ToolCallTrace, status: ToolTraceRow.Status, result: String, at time: MediaTime) {
        let attempt = latencies.values.lazy.flatMap(\.tools)
            .first { $0.invocation == trace.invocation && $0.attempt == trace.attempt }
        let duration = trace.durationMs ?? attempt?.milliseconds
        if let i = tools.lastIndex(where: { $0.invocation == trace.invocation }) {
            tools[i].status = status
            tools[i].result = result
            tools[i].durationMs = duration
            tools[i].attempts = max(tools[i].attempts, trace.attempt)
        } else {
            tools.append(ToolTraceRow(invocation: trace.invocation, tool: trace.tool, arguments: trace.arguments,
                                      result: result, durationMs: duration, attempts: trace.attempt, status: status))
        }
    }
}
