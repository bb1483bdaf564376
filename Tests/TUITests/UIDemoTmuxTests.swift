import Foundation
import Testing
import TestSupport

@Test(.enabled(if: TmuxHarness.available, "needs tmux and a built .build/debug/ringside (run swift build first)"))
func uiDemoRunsInTmux() throws {
    let session = "demo"
    let command = "env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes \(TmuxHarness.binary) ui-demo --instant"
    try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
    defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }

    // Wait for the demo's last scripted event (the caller's final partial); the approval prompt
    // appears earlier, so a screen caught at "APPROVE?" could still show the previous partial.
    let screen = try TmuxHarness.waitFor("parking at the clinic", in: session)
    #expect(screen.contains("RINGSIDE  ● IN CALL 00:17  AGENT  clinic-receptionist"))
    #expect(screen.contains("p50 460ms · p95 1.00s"))
    #expect(screen.contains("worst T1 1.00s · tools 390ms"))
    #expect(screen.contains("⚠ APPROVE? book_appointment"))
    #expect(screen.contains("✓ check_availability  140ms ×2"))
    #expect(screen.contains("⟂ cut off"))
    #expect(screen.contains("caller Sorry, is there parking at the clinic …"))

    try TmuxHarness.run(["send-keys", "-t", session, "a"])
    let approved = try TmuxHarness.waitFor("approved by you", in: session)
    #expect(approved.contains("book_appointment approved by you"))
    #expect(!approved.contains("APPROVE?"))

    try TmuxHarness.run(["send-keys", "-t", session, "t"])
    #expect(try TmuxHarness.waitFor("HUMAN (you)", in: session).contains("HUMAN (you)"))

    try TmuxHarness.run(["send-keys", "-t", session, "T"])
    #expect(try TmuxHarness.waitFor("RINGSIDE", in: session).contains("RINGSIDE"))

    try TmuxHarness.run(["send-keys", "-t", session, "q"])
    #expect(try TmuxHarness.waitFor("Quit while the call is active?", in: session).contains("y = quit"))
    try TmuxHarness.run(["send-keys", "-t", session, "y"])
    // The program exits, which ends the tmux session.
    #expect(try TmuxHarness.waitForExit(session), "ringside ui-demo did not exit after q, y")
}

/// A terminal that goes away (its tmux pane killed, an ssh connection dropped) ends the program: it
/// must not keep running without a screen (it used to spin a whole core reading keys from a dead tty).
@Test(.enabled(if: TmuxHarness.available, "needs tmux and a built .build/debug/ringside (run swift build first)"))
func closedTerminalEndsTheProgram() throws {
    let session = "hangup"
    let pidFile = NSTemporaryDirectory() + "ringside-hangup-\(getpid()).pid"
    defer { try? FileManager.default.removeItem(atPath: pidFile) }
    // SIGHUP ignored, as a program started under nohup or from a shell that ignores it inherits:
    // only a program that notices by itself that its terminal is gone passes.
    let command = "sh -c 'trap \"\" HUP; echo $$ > \(pidFile); exec env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes \(TmuxHarness.binary) ui-demo --instant'"
    try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
    defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }
    _ = try TmuxHarness.waitFor("parking at the clinic", in: session)
    let text = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    let pid = try #require(pid_t(text), "pid file: \(text)")
    try TmuxHarness.run(["kill-session", "-t", session])
    let deadline = Date().addingTimeInterval(10)
    func alive() -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        // A zombie has ended; only its parent has not collected it yet.
        return !stat.contains(") Z ")
    }
    while alive() && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    let stillRunning = alive()
    if stillRunning { kill(pid, SIGKILL) }
    #expect(!stillRunning, "ringside ui-demo kept running after its terminal went away")
}
