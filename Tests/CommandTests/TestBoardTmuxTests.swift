import Foundation
import Testing
import TestSupport

/// `ringside test --tui` in a real terminal: every run listed with its verdict, the calls' panes below,
/// a malformed scenario listed as an error with its file and line, and the reports still written.
@Suite(.serialized) struct TestBoardTmuxTests {
    @Test(.enabled(if: TmuxHarness.available, "needs tmux and a built ringside"))
    func watchesARunAndListsEachVerdict() throws {
        let dir = try TestPaths.temporaryDirectory("test-tui")
        let broken = dir.appendingPathComponent("broken.yaml").path
        try "id: broken\nturns:\n  - say: [not, a, line\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let hours = "\(TmuxHarness.repository)/sample-calls/clinic/calls/hours.yaml"
        let json = dir.appendingPathComponent("report.json").path
        let status = dir.appendingPathComponent("status").path
        let session = "test-tui"
        let command = "env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes "
            + "sh -c '\(TmuxHarness.binary) test \(hours) \(broken) --tui --json \(json) --recordings \(dir.path)/runs; echo $? > \(status)'"
        try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", command])
        defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }

        let done = try TmuxHarness.waitFor("DONE 2 runs", in: session, seconds: 180)
        #expect(done.contains("DONE 2 runs: 1 pass · 0 fail · 1 error — q to exit"), "\(done)")
        let lines = done.split(separator: "\n").map(String.init)
        let hoursRow = lines.first { $0.contains("clinic/clinic-hours") }
        let brokenRow = lines.first { $0.contains("broken") && $0.contains("ERROR") }
        #expect(hoursRow?.contains("✓ PASS") == true, "\(done)")
        #expect(brokenRow?.contains("broken.yaml:4:") == true, "the error row names the file and line:\n\(done)")
        #expect(!done.contains("t take over"), "a test run's calls cannot be taken over:\n\(done)")

        // The passed call, selected, shows its conversation below the list; opened, on the whole screen.
        try TmuxHarness.run(["send-keys", "-t", session, "Home"])
        let selected = try TmuxHarness.waitFor("Monday to Friday", in: session, seconds: 10)
        #expect(selected.contains("\ncaller "), "the caller's line is in the transcript:\n\(selected)")
        #expect(selected.contains("opening_hours"), "the tool call is in the tools pane:\n\(selected)")
        try TmuxHarness.run(["send-keys", "-t", session, "Enter"])
        let opened = try TmuxHarness.waitFor("Esc calls", in: session, seconds: 10)
        #expect(!opened.contains("broken"), "an opened call fills the screen:\n\(opened)")
        try TmuxHarness.run(["send-keys", "-t", session, "Escape"])
        _ = try TmuxHarness.waitFor("─ Runs ", in: session, seconds: 10)

        try TmuxHarness.run(["send-keys", "-t", session, "q"])
        #expect(try TmuxHarness.waitForExit(session, seconds: 20), "ringside test did not exit after q")
        #expect((try? String(contentsOfFile: status, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "2",
                "a harness error exits 2")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((report?["results"] as? [Any])?.count == 2, "the JSON report has both runs")
    }
}
