import RingsideCore
import Testing
@testable import TUI

// Widgets render into a grid; these compare its rows as text (trailing spaces trimmed), as
// ratatui's TestBackend tests do.

@Test func transcriptWithPartialAndCutOffLine() {
    let grid = render(TranscriptWidget(), conversationState(), width: 40, height: 7)
    #expect(grid.lines == [
        "─ Transcript ───────────────────────────",
        "agent  Riverside Clinic, how can I help?",
        "caller Is Dr. Patel in on Tuesday?",
        "agent  Yes, she is in from nine to",
        "       five. ⟂ cut off",
        "caller Can I book …",
        "",
    ])
    // The partial is drawn in the partial (dimmed) role; the unheard part in the cut-off role.
    #expect(grid.roleLine(5).hasPrefix("cccccctppppppppppppt"))
    #expect(grid.roleLine(3) == "aaaaattaaaaaaaaaaaaaaxxxxxxxxxxxxxtttttt")
}

@Test func transcriptScrollsBack() {
    var s = conversationState()
    s.view.scrollOffset = 2
    let grid = render(TranscriptWidget(), s, width: 40, height: 4)
    #expect(grid.lines == [
        "─ Transcript ───── ↑ scrolled 2 · PgDn ─",
        "agent  Riverside Clinic, how can I help?",
        "caller Is Dr. Patel in on Tuesday?",
        "agent  Yes, she is in from nine to",
    ])
}

@Test func latencyBarsLegendPercentilesAndWorstTurn() {
    let grid = render(LatencyWidget(), latencyState(), width: 44, height: 6)
    #expect(grid.lines == [
        "─ Latency ────────── p50 400ms · p95 900ms ─",
        "█endp █stt █brain █tool █tts █play",
        "T1  ████████████████████████████       900ms",
        "T2  █████████████                      400ms",
        "",
        "worst T1 900ms · tools 290ms",
    ])
    // Stage colours along the bar (1 endpointing … 6 playout), graded figures (w warn, g good).
    #expect(grid.roleLine(2) == "mmtt1111111222223334444444445556tttttttwwwww")
    #expect(grid.roleLine(3) == "mmtt1112222333556ttttttttttttttttttttttggggg")
    #expect(grid.roleLine(5).hasPrefix("wwwwwwwwwwwwwwwwwwwwwwwwwwww"))
}

@Test func latencyPaneShowsStageFiguresWhenWide() {
    let grid = render(LatencyWidget(), latencyState(), width: 60, height: 8)
    #expect(grid.lines == [
        "─ Latency ────────────────────────── p50 400ms · p95 900ms ─",
        "█endpoint █stt █brain █tools █tts █playout",
        "T1  ██████████████████████████████████████████         900ms",
        "    endp 200ms  stt 150ms  brain 90ms  tool 290ms  tts 80ms",
        "T2  ████████████████████                               400ms",
        "    endp 100ms  stt 100ms  brain 100ms  tts 50ms  play 50ms",
        "",
        "worst T1 900ms · tools 290ms",
    ])
}

@Test func latencyBarsMarkSpeculatedTurns() {
    var s = latencyState()
    s.apply(CallEvent(callID: "x", turn: 1, time: .milliseconds(1890), stage: .session, payload: .speculation(SpeculationOutcome(held: true, text: "hello"))))
    s.apply(CallEvent(callID: "x", turn: 2, time: .milliseconds(5290), stage: .session,
                      payload: .speculation(SpeculationOutcome(held: false, text: "by", miss: "the final words differ from those at the pause"))))
    let grid = render(LatencyWidget(), s, width: 44, height: 6)
    #expect(grid.lines[2] == "T1 +████████████████████████████       900ms")
    #expect(grid.lines[3] == "T2 ~█████████████                      400ms")
    #expect(grid[3, 2].fg == .good)
    #expect(grid[3, 3].fg == .warn)
    let wide = render(LatencyWidget(), s, width: 100, height: 8)
    #expect(wide.lines[3].hasSuffix("speculated, held"), "\(wide.lines)")
    #expect(wide.lines[5].hasSuffix("speculated, recomputed"), "\(wide.lines)")
}

@Test func latencyPaneBeforeAnyTurn() {
    let grid = render(LatencyWidget(), CallState(), width: 40, height: 3)
    #expect(grid.lines == ["─ Latency ──────────────────────────────", "█endp █stt █brain █tool █tts █play", "no caller turns yet"])
}

@Test func toolTraceWithApprovalPrompt() {
    let grid = render(ToolTraceWidget(), toolState(), width: 72, height: 5)
    #expect(grid.lines == [
        "─ Tools ────────────────────────────────────────── 1 awaiting approval ─",
        #"⚠ APPROVE? book_slot {"slot":"Tue 14:00"}         [a] approve  [d] deny"#,
        #"✓ lookup_patient  120ms ×2 {"name":"A*** L***"} → {"id":"P-77"}"#,
        #"✗ refund           20ms    {"amount":40} → card declined"#,
        #"… send_sms            …    {"to":"+44…"}"#,
    ])
    // The approval row is highlighted across its whole width.
    #expect((0..<72).allSatisfy { grid[$0, 1].bg == .approvalBar })
    #expect(grid[0, 2].fg == .good)
    #expect(grid[0, 3].fg == .bad)
    #expect(grid[0, 4].fg == .warn)
}

@Test func headerShowsStatusModeAndEngines() {
    var s = demoState()
    s.apply(CallEvent(callID: "x", turn: 3, time: .seconds(18), stage: .session, payload: .takeover(by: "ana")))
    s.view.micMuted = true
    let grid = render(HeaderWidget(), s, width: 100, height: 2)
    #expect(grid.lines == [
        " RINGSIDE  ● IN CALL 00:18  HUMAN (ana)  clinic-receptionist          MIC MUTED  ⚠ APPROVAL PENDING",
        " stt pocketsphinx · brain intent · tts flite slt │ mic default → spk default │ AEC on │ embedded │ …",
    ])
    #expect((0..<100).allSatisfy { grid[$0, 0].bg == .headerBar })
}

@Test func footerModes() {
    var s = demoState()
    #expect(render(FooterWidget(), s, width: 80, height: 1).lines == [" a/d approve/deny  t take over  m mute  Tab type  ? help  q quit"])
    s.view.input = "is there parking?"
    #expect(render(FooterWidget(), s, width: 60, height: 1).lines == [" say› is there parking?▏  Enter send · Esc cancel"])
    s.view.input = nil
    s.view.confirmingQuit = true
    #expect(render(FooterWidget(), s, width: 70, height: 1).lines == [" Quit while the call is active?  y = quit · any other key = stay"])
}

@Test func timelineLanesAndMarks() {
    // 30 s over 30 columns: one column per second; now = 30 s.
    let s = state([
        event(2_000, .speechStarted(speaker: .caller)),
        event(6_200, .speechStopped(speaker: .caller, trueEnd: .milliseconds(6_000))),
        event(7_000, .endOfTurn(trueEnd: .milliseconds(6_000), rule: .silence(.neutral))),
        event(8_000, .playoutStarted),
        event(12_000, .bargeIn(heardText: "", heardFraction: 0.5)),
        event(12_500, .speechStarted(speaker: .caller)),
        event(30_000, .level(speaker: .caller, rms: 0.1, peak: 0.2)),
    ])
    let grid = render(TimelineWidget(), s, width: 37, height: 4)
    #expect(grid.lines == [
        "─ Timeline ───────── last 30s → now ─",
        "caller ··█████·····██████████████████",
        "agent  ········█████·················",
        "turns         ▲    ✕",
    ])
}

@Test func levelMeters() {
    let s = state([event(0, .level(speaker: .caller, rms: 0.1, peak: 0.3)), event(0, .level(speaker: .agent, rms: 1, peak: 1))])
    let grid = render(LevelMeterWidget(), s, width: 60, height: 1)
    #expect(grid.lines == ["caller ▮▮▮▮▮▮▮▮▮▮····· -20dB  agent ▮▮▮▮▮▮▮▮▮▮▮▮▮▮▮▮ 0dB"])
}

@Test func headerShowsRTPQuality() {
    let s = state([
        event(0, .callStarted(agent: "clinic", transport: "sip")),
        event(10, .rtpStats(RTPStats(direction: .received, codec: "PCMU", packets: 995, lost: 5, jitterMs: 3.6))),
    ])
    let grid = render(HeaderWidget(), s, width: 80, height: 2)
    #expect(grid.lines[1] == " AEC off │ sip │ rtp in PCMU loss 0.5% jitter 4ms")
}
