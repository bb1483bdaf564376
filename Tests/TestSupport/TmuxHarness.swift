import Foundation
import ProcessHarness

/// Runs the real `ringside` binary in a detached tmux session and reads the screen back with
/// capture-pane: the real ncurses backend, real keys, as a person would use it.
public enum TmuxHarness {
    public static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()
    public static let binary = TestPaths.builtProduct("ringside").path
    public static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    public static var available: Bool { tmux != nil && FileManager.default.isExecutableFile(atPath: binary) }
    public static let socket = "ringside-test-\(getpid())"

    /// Runs a tmux command through `/bin/sh` with posix_spawn and waitpid (Foundation's
    /// Process can miss the child's exit inside the test runner). Output goes to a file, never
    /// a pipe: the first command starts the tmux server, which would inherit a pipe and hold it.
    @discardableResult
    public static func run(_ arguments: [String], readOutput: Bool = false) throws -> (status: Int32, output: String) {
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

    public static func capture(_ session: String) throws -> String {
        try run(["capture-pane", "-p", "-t", session], readOutput: true).output
    }

    /// Polls the pane until `text` shows up or `seconds` pass; returns the last capture.
    public static func waitFor(_ text: String, in session: String, seconds: Double = 15) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture(session)
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return screen
    }

    /// `waitFor` on a dispatch thread, so a test can keep other work (a call's audio) going on the
    /// cooperative pool meanwhile.
    public static func waitForInBackground(_ text: String, in session: String, seconds: Double = 15) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try waitFor(text, in: session, seconds: seconds) }) }
        }
    }

    /// Polls until the session is gone (the program in it exited) or `seconds` pass; true when gone.
    public static func waitForExit(_ session: String, seconds: Double = 10) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try run(["has-session", "-t", session]).status != 0 { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
