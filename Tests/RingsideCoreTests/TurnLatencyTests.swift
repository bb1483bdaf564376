import Testing
@testable import RingsideCore

private func event(_ ms: Double, turn: Int = 1, _ payload: CallEventPayload) -> CallEvent {
    CallEvent(callID: "c", turn: turn, time: .milliseconds(ms), stage: .session, payload: payload)
}

/// One turn with every stage, at hand-picked times (ms):
/// speech ends 1000, end of turn 1200, final 1350, brain 1360–1400, tool 1410–1700,
/// brain 1710–1760, TTS 1770 → first audio 1850, playout 1900.
private func fullTurn(turn: Int = 1, offset: Double = 0, extraToolMs: Double = 0) -> [CallEvent] {
    let trace = ToolCallTrace(invocation: "inv-\(turn)", tool: "lookup", arguments: "{}")
    return [
        event(offset + 100, turn: turn, .speechStarted(speaker: .caller)),
        event(offset + 1100, turn: turn, .speechStopped(speaker: .caller, trueEnd: .milliseconds(offset + 1000))),
        event(offset + 1200, turn: turn, .endOfTurn(trueEnd: .milliseconds(offset + 1000), rule: .silence(.neutral))),
        event(offset + 1350, turn: turn, .finalTranscript(speaker: .caller, text: "hello", confidence: 0.9)),
        event(offset + 1360, turn: turn, .brainStarted(input: "hello")),
        event(offset + 1400, turn: turn, .brainDecided(intent: "x", confidence: 1, path: AnswerPath(.intentEngine), reply: "", expects: nil)),
        event(offset + 1410, turn: turn, .toolStarted(trace)),
        event(offset + 1700 + extraToolMs, turn: turn, .toolFinished(trace)),
        event(offset + 1710 + extraToolMs, turn: turn, .brainStarted(input: "tool")),
        event(offset + 1760 + extraToolMs, turn: turn, .brainDecided(intent: "y", confidence: 1, path: AnswerPath(.intentEngine), reply: "ok", expects: nil)),
        event(offset + 1770 + extraToolMs, turn: turn, .ttsRequested(text: "ok")),
        event(offset + 1850 + extraToolMs, turn: turn, .ttsFirstAudio),
        event(offset + 1900 + extraToolMs, turn: turn, .playoutStarted),
    ]
}

@Test func latencyPerStageFromEventTimestamps() throws {
    let turns = TurnLatency.turns(from: fullTurn())
    #expect(turns.count == 1)
    let t = try #require(turns.first)
    #expect(t.milliseconds(.endpointing) == 200)
    #expect(t.milliseconds(.stt) == 150)
    #expect(t.milliseconds(.brain) == 90)  // 40 + 50
    #expect(t.milliseconds(.tools) == 290)
    #expect(t.milliseconds(.tts) == 80)
    #expect(t.milliseconds(.playout) == 50)
    #expect(t.voiceToVoiceMs == 900)
    for (stage, ms) in t.stageBreakdown {
        #expect(ms <= 900, "\(stage) is longer than voice-to-voice")
    }
    #expect(t.stageBreakdown.reduce(0) { $0 + $1.ms } <= 900)
    #expect(t.biggestStage?.stage == .tools)
    #expect(t.biggestStage?.ms == 290)
}

@Test func unfinishedTurnHasNoVoiceToVoice() {
    let partial = Array(fullTurn().prefix(5))
    let t = TurnLatency.turns(from: partial)[0]
    #expect(t.voiceToVoiceMs == nil)
    #expect(t.milliseconds(.brain) == nil)  // started, not decided
    #expect(t.milliseconds(.stt) == 150)
}

@Test func failedToolAttemptsCountTowardsTools() {
    let first = ToolCallTrace(invocation: "i", tool: "lookup", arguments: "{}", attempt: 1)
    var second = first
    second.attempt = 2
    let events = [
        event(0, .toolStarted(first)), event(250, .toolFailed(first, error: "timeout")),
        event(260, .toolStarted(second)), event(400, .toolFinished(second)),
    ]
    let t = TurnLatency.turns(from: events)[0]
    #expect(t.tools.count == 2)
    #expect(t.tools[0].failed)
    #expect(t.milliseconds(.tools) == 390)
}

@Test func voiceToVoicePercentilesAndWorstTurn() throws {
    // Voice-to-voice of 900 + extra: 900, 1000, 1100, 1500, 2900 ms.
    let extras: [Double] = [0, 100, 200, 600, 2000]
    var events: [CallEvent] = []
    for (i, extra) in extras.enumerated() {
        events += fullTurn(turn: i + 1, offset: Double(i) * 10_000, extraToolMs: extra)
    }
    let turns = TurnLatency.turns(from: events)
    #expect(turns.map(\.voiceToVoiceMs) == [900, 1000, 1100, 1500, 2900])
    let summary = LatencySummary(turns: turns)
    #expect(summary.count == 5)
    #expect(summary.p50Ms == 1100)
    #expect(summary.p95Ms == 2900)
    let worst = try #require(summary.worst)
    #expect(worst.turn == 5)
    #expect(worst.biggestStage?.stage == .tools)
    #expect(worst.biggestStage?.ms == 2290)
}

@Test func percentileIsNearestRank() {
    let values = (1...20).map(Double.init)
    #expect(LatencySummary.percentile(values, 0.5) == 10)
    #expect(LatencySummary.percentile(values, 0.95) == 19)
    #expect(LatencySummary.percentile([], 0.5) == nil)
    #expect(LatencySummary.percentile([42], 0.95) == 42)
}
