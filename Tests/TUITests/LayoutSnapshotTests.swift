import RingsideCore
import Testing
@testable import TUI

// The whole screen for the demo call at its end, at the smallest supported size and a large one.

@Test func fullLayoutAt80x24() {
    let grid = CallScreenView.grid(for: demoState(), width: 80, height: 24, theme: .builtinDefault)
    #expect(grid.lines == [
        #" RINGSIDE  ● IN CALL 00:17  AGENT  clinic-receptionist       ⚠ APPROVAL PENDING"#,
        #" stt pocketsphinx · brain intent · tts flite slt │ mic default → spk default │ …"#,
        #"─ Transcript ───────────────────────────────┬─ Latency ─ p50 460ms · p95 1.00s ─"#,
        #"caller I'd like to book an appointment with │█endp █stt █brain █tool █tts █play"#,
        #"       doctor Patel on Tuesday              │T1  ███████████████████████   1.00s"#,
        #"agent  Dr. Patel has 9:30 or 2 pm on        │T2  ██████████                460ms"#,
        #"       Tuesday. Which works for you?        │T3                                …"#,
        #"caller Two pm please, my name is Ana Lima   │"#,
        #"agent  I'll book Tuesday at 2 pm with Dr.   │"#,
        #"       Patel for Ana Lima, and the front    │"#,
        #"       desk will text you a confirmation. ⟂ │"#,
        #"       cut off                              │"#,
        #"caller Sorry, is there parking at the       │"#,
        #"       clinic …                             │worst T1 1.00s · tools 390ms"#,
        #"─ Timeline ──────────────────────────────────────────────────── last 30s → now ─"#,
        #"caller ·······································███████···········█████·····██████"#,
        #"agent  ······························████████·········█████████······███████····"#,
        #"turns                                               ▲               ▲      ✕"#,
        #"─ Tools ────────────────────────────────────────────────── 1 awaiting approval ─"#,
        #"⚠ APPROVE? book_appointment {"doctor":"Patel","slot":"T…  [a] approve  [d] deny"#,
        #"✓ check_availability  140ms ×2 {"doctor":"Patel","da… → {"slots":["09:30","14:0…"#,
        #""#,
        #"caller ························· -∞dB   agent ·························· -∞dB"#,
        #" a/d approve/deny  t take over  m mute  Tab type  ? help  q quit"#,
    ])
}

@Test func fullLayoutAt160x50UsesTheSpace() {
    let grid = CallScreenView.grid(for: demoState(), width: 160, height: 50, theme: .builtinDefault)
    #expect(grid.lines == [
        #" RINGSIDE  ● IN CALL 00:17  AGENT  clinic-receptionist                                                                                       ⚠ APPROVAL PENDING"#,
        #" stt pocketsphinx · brain intent · tts flite slt │ mic default → spk default │ AEC on │ embedded │ sip connected PCMU"#,
        #"─ Transcript ───────────────────────────────────────────────────────────────────────────┬─ Latency ───────────────────────────────────── p50 460ms · p95 1.00s ─"#,
        #"agent  Good morning, Riverside Clinic. How can I help you?                              │█endpoint █stt █brain █tools █tts █playout"#,
        #"caller I'd like to book an appointment with doctor Patel on Tuesday                     │T1  █████████████████████████████████████████████████████████     1.00s"#,
        #"agent  Dr. Patel has 9:30 or 2 pm on Tuesday. Which works for you?                      │    endp 200ms  stt 150ms  brain 120ms  tool 390ms  tts 60ms  play 30ms"#,
        #"caller Two pm please, my name is Ana Lima                                               │T2  ██████████████████████████                                    460ms"#,
        #"agent  I'll book Tuesday at 2 pm with Dr. Patel for Ana Lima, and the front desk will   │    endp 150ms  stt 120ms  brain 80ms  tts 50ms  play 30ms"#,
        #"       text you a confirmation. ⟂ cut off                                               │T3                                                                    …"#,
        #"caller Sorry, is there parking at the clinic …                                          │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │"#,
        #"                                                                                        │worst T1 1.00s · tools 390ms"#,
        #"─ Timeline ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────── last 30s → now ─"#,
        #"caller ···················································································████████████·························██████████···········████████████"#,
        #"agent  ································································████████████████···················██████████████████··············████████████··········"#,
        #"turns                                                                                                 ▲                                 ▲            ✕"#,
        #"       -30s                     -25s                      -20s                     -15s                      -10s                     -5s                    now"#,
        #"─ Tools ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────── 1 awaiting approval ─"#,
        #"⚠ APPROVE? book_appointment {"doctor":"Patel","slot":"Tue 14:00","patient":"A*** L***"}                                                   [a] approve  [d] deny"#,
        #"✓ check_availability  140ms ×2 {"doctor":"Patel","day":"Tuesday"} → {"slots":["09:30","14:00"]}"#,
        #""#,
        #""#,
        #""#,
        #""#,
        #""#,
        #""#,
        #""#,
        #"caller ································································· -∞dB   agent ·································································· -∞dB"#,
        #" a/d approve/deny  t take over  m mute  Tab type  ? help  q quit  PgUp/PgDn scroll  T theme"#,
    ])
}

@Test func helpOverlayListsEveryKey() {
    var s = demoState()
    s.view.showHelp = true
    let text = CallScreenView.grid(for: s, width: 80, height: 24, theme: .builtinDefault).text
    for (key, action) in HelpOverlay.entries {
        #expect(text.contains(key))
        #expect(text.contains(action))
    }
    #expect(text.contains("theme: default"))
}

@Test func tooSmallWindowSaysSo() {
    let grid = CallScreenView.grid(for: demoState(), width: 30, height: 8, theme: .builtinDefault)
    #expect(grid.lines[0] == "Ringside needs a bigger window")
}

@Test func everySizeFromMinimumRendersWithoutTrouble() {
    let s = demoState()
    for width in stride(from: 80, through: 200, by: 7) {
        for height in stride(from: 24, through: 60, by: 5) {
            let grid = CallScreenView.grid(for: s, width: width, height: height, theme: .builtinDefault)
            #expect(grid.lines.count == height)
            #expect(grid.lines.allSatisfy { DisplayWidth.of($0) <= width })
            #expect(grid.text.contains("APPROVE?"))
        }
    }
}
