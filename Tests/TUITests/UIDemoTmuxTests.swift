import Foundation
import Testing

/// Runs `ringside ui-demo` in a detached tmux session and reads the screen back with
/// capture-pane: the real binary, the real ncurses backend, real keys.
enum TmuxHarness {
    static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    static let binary = repository + "/.build/debug/ringside"
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { tmux != nil && FileManager.default.isExecutableFile(atPath: binary) }
    static let socket = "ringside-test-\(getpid())"

    /// Runs a tmux command through `/bin/sh` with posix_spawn and waitpid (Foundation's
    /// Process can miss the child's exit inside the test runner). Output goes to a file, never
    /// a pipe: the first command starts the tmux server, which would inherit a pipe and hold it.
    @discardableResult
    static func run(_ arguments: [String], readOutput: Bool = false) throws -> (status: Int32, output: String) {
        let outFile = NSTemporaryDirectory() + "ringside-tmux-\(getpid()).out"
        let quoted = ([tmux ?? "tmux", "-L", socket] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let line = quoted.joined(separator: " ") + " </dev/null >'\(outFile)' 2>/dev/null"
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", line]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The test runner's threads block most signals; tmux must not inherit that mask.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = readOutput ? ((try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "") : ""
        try? FileManager.default.removeItem(atPath: outFile)
        return ((status >> 8) & 0xff, output)
    }

    static func capture(_ session: String) throws -> String {
        try run(["capture-pane", "-p", "-t", session], readOutput: true).output
    }

    /// Polls the pane until `text` shows up or `seconds` pass; returns the last capture.
    static func waitFor(_ text: String, in session: String, seconds: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture(session)
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return screen
    }
}

@Test(.enabled(if: TmuxHarness.available, "needs tmux and a built .build/debug/ringside (run swift build first)"))
func uiDemoRunsInTmux() throws {
    let session = "demo"
    let command = "env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes \(TmuxHarness.binary) ui-demo --instant"
    try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
    defer { _ = try? TmuxHarness.run(["kill-server"]) }

    let screen = try TmuxHarness.waitFor("APPROVE?", in: session)
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
    let deadline = Date().addingTimeInterval(10)
    var alive = true
    while alive && Date() < deadline {
        alive = try TmuxHarness.run(["has-session", "-t", session]).status == 0
        if alive { Thread.sleep(forTimeInterval: 0.1) }
    }
    #expect(!alive, "ringside ui-demo did not exit after q, y")
}
