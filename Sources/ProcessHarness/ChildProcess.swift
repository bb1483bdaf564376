import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starting child processes with posix_spawn and reaping them with waitpid.
///
/// Foundation's `Process.waitUntilExit` can hang on Linux when several children run at once,
/// so tests spawn and wait for programs directly.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    /// Starts `path` with `arguments`; `environment` entries are added to (or replace) this process's.
    public static func spawn(_ path: String, _ arguments: [String], environment: [String: String] = [:], removing: [String] = [],
                             stdin: Int32? = nil, stdout: Int32? = nil, stderr: Int32? = nil, closing: [Int32] = []) throws -> ChildProcess {
        var env = ProcessInfo.processInfo.environment
        for key in removing { env.removeValue(forKey: key) }
        for (k, v) in environment { env[k] = v }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let devNull = open("/dev/null", O_RDWR)
        defer { close(devNull) }
        posix_spawn_file_actions_adddup2(&actions, stdin ?? devNull, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout ?? devNull, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr ?? devNull, 2)
        for fd in closing { posix_spawn_file_actions_addclose(&actions, fd) }

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The child starts with no signal blocked and every signal at its default: it must not inherit the
        // spawning thread's mask (a test runner's worker may block SIGALRM, and kamailio's timers then never fire).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw NSError(domain: "spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot start \(path): \(String(cString: strerror(rc)))"])
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to exit; returns its exit status (128+signal when killed).
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7F == 0 { return (status >> 8) & 0xFF }
        return 128 + (status & 0x7F)
    }

    /// Waits at most `seconds` for the child to exit: its exit status (as `wait()`), or nil while it still runs.
    public func wait(atMost seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
            if reaped < 0 && errno != EINTR { return nil }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// True once the child has exited; reaps it, so call `wait()` only while this is false.
    public func hasExited() -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == pid
    }

    public func signal(_ sig: Int32) { kill(pid, sig) }
}

/// The outcome of running a program to completion.
public struct ProgramRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a program with arguments and extra environment, feeding `stdin` and collecting its output.
public func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> ProgramRun {
    var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
    guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
        throw NSError(domain: "spawn", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "cannot create pipes"])
    }
    let child = try ChildProcess.spawn(path, arguments, environment: environment, stdin: inPipe[0], stdout: outPipe[1], stderr: errPipe[1],
                                       closing: [inPipe[1], outPipe[0], errPipe[0]])
    close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
    let input = FileHandle(fileDescriptor: inPipe[1], closeOnDealloc: true)
    let stdinData = Data((stdin ?? "").utf8)
    let writer = Thread {
        try? input.write(contentsOf: stdinData)
        try? input.close()
    }
    writer.start()
    let errHandle = FileHandle(fileDescriptor: errPipe[0], closeOnDealloc: true)
    let errBox = DataBox()
    let errDone = DispatchSemaphore(value: 0)
    let errReader = Thread {
        errBox.data = errHandle.readDataToEndOfFile()
        errDone.signal()
    }
    errReader.start()
    let out = FileHandle(fileDescriptor: outPipe[0], closeOnDealloc: true).readDataToEndOfFile()
    errDone.wait()
    let status = child.wait()
    return ProgramRun(status: status, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self))
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
