import Foundation
import Logging
import RingsideCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why Smart Turn cannot answer, naming what is missing and the fix.
public enum SmartTurnError: Error, Equatable, CustomStringConvertible {
    /// No complete install (model, server, Python packages) in any of the places looked in.
    case notInstalled(lookedIn: [String])
    /// No Python interpreter to run the server.
    case pythonMissing(String)
    /// The server did not start, or did not answer even after a restart.
    case serverFailed(String)
    /// `close()` was called.
    case closed

    public var description: String {
        switch self {
        case let .notInstalled(places):
            return "Smart Turn is not installed: run `make setup`, or point RINGSIDE_SMART_TURN_PREFIX at an install made by "
                + "Tests/Support/install-smart-turn.sh (looked in \(places.joined(separator: ", ")))"
        case let .pythonMissing(what):
            return "Smart Turn needs CPython 3.11 to run its server: \(what) (Debian: apt-get install python3; "
                + "RINGSIDE_SMART_TURN_PYTHON names another interpreter)"
        case let .serverFailed(reason):
            return "the Smart Turn server failed: \(reason)"
        case .closed:
            return "the Smart Turn model was closed"
        }
    }
}

/// Where `make setup` put Smart Turn (Tests/Support/install-smart-turn.sh): the ONNX model, our
/// server script, and the unpacked numpy and onnxruntime wheels it imports.
///
/// Found at `RINGSIDE_SMART_TURN_PREFIX` (only there, when set), else installed beside the executable
/// (`../lib/ringside/smart-turn`, as `make install` lays it out), else in a `.build/smart-turn` above
/// the executable or in the source checkout this was built from (`make setup`).
public struct SmartTurnInstallation: Sendable, Equatable {
    public static let modelFileName = "smart-turn-v3.2-cpu.onnx"

    public var prefix: String
    public init(prefix: String) { self.prefix = prefix }

    public var modelPath: String { "\(prefix)/share/ringside/\(Self.modelFileName)" }
    public var serverPath: String { "\(prefix)/libexec/ringside/smart_turn_server.py" }
    /// The unpacked wheels: the server's PYTHONPATH.
    public var pythonPath: String { "\(prefix)/python" }

    /// Whether the model, the server and the Python packages are all there.
    public var isComplete: Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: modelPath) && fm.fileExists(atPath: serverPath)
            && fm.fileExists(atPath: "\(pythonPath)/onnxruntime/__init__.py") && fm.fileExists(atPath: "\(pythonPath)/numpy/__init__.py")
    }

    /// The prefixes looked in, in order.
    public static func candidates(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let prefix = environment["RINGSIDE_SMART_TURN_PREFIX"], !prefix.isEmpty { return [prefix] }
        var found: [String] = []
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: executable).standardizedFileURL.deletingLastPathComponent()
        found.append(dir.deletingLastPathComponent().appendingPathComponent("lib/ringside/smart-turn").path)
        while dir.path != "/" {
            found.append(dir.appendingPathComponent(".build/smart-turn").path)
            dir = dir.deletingLastPathComponent()
        }
        // Sources/Speech/SmartTurnModel.swift -> the checkout's .build/smart-turn.
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        found.append(checkout.appendingPathComponent(".build/smart-turn").path)
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    /// The first complete install among `candidates`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SmartTurnInstallation {
        let places = candidates(environment: environment)
        guard let prefix = places.first(where: { SmartTurnInstallation(prefix: $0).isComplete }) else {
            throw SmartTurnError.notInstalled(lookedIn: places)
        }
        return SmartTurnInstallation(prefix: prefix)
    }

    /// The interpreter that runs the server: `RINGSIDE_SMART_TURN_PYTHON`, else /usr/bin/python3 (what
    /// the install script checks with), else python3 on PATH.
    public static func python(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let fm = FileManager.default
        if let p = environment["RINGSIDE_SMART_TURN_PYTHON"], !p.isEmpty {
            guard fm.isExecutableFile(atPath: p) else { throw SmartTurnError.pythonMissing("RINGSIDE_SMART_TURN_PYTHON=\(p) is not an executable") }
            return p
        }
        if fm.isExecutableFile(atPath: "/usr/bin/python3") { return "/usr/bin/python3" }
        for dir in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") where fm.isExecutableFile(atPath: "\(dir)/python3") {
            return "\(dir)/python3"
        }
        throw SmartTurnError.pythonMissing("no python3 in /usr/bin or on PATH")
    }
}

/// One answer of the model, with what it cost.
public struct SmartTurnDecision: Sendable, Equatable {
    /// The probability, from 0 to 1, that the turn is complete.
    public var probability: Double
    /// What the server spent on it: log-mel features and inference.
    public var modelMilliseconds: Double
    /// From sending the request to reading the reply, in this process; minus `modelMilliseconds`,
    /// the cost of running the model out of process.
    public var roundTripMilliseconds: Double
}

/// Smart Turn v3.2 (Pipecat; BSD-2-Clause): a Whisper-tiny encoder with a classifier head, as int8 ONNX,
/// that hears the last 8 s of a caller's audio and says whether their turn is complete.
///
/// The model runs in a Python server of ours (Sources/Speech/SmartTurn/smart_turn_server.py) on the
/// onnxruntime and numpy wheels that `make setup` unpacks: there is no ONNX Runtime C API to link
/// against from a registry. The server is started on first use (≈ 0.2 s; or call `start()`), answers
/// over a Unix domain socket in a private temporary directory, and is restarted once if a request finds
/// it dead. It reads its standard input, a socket this process holds, and exits when that closes: on
/// `close()`, when this object is released, or when this process dies however it dies.
///
/// Decisions are serialised on one background queue (the server answers one at a time); each costs
/// ≈ 45–55 ms of one core on the machines Ringside is measured on (≈ 10 ms of it the features), and
/// ≈ 0.3 ms more for running out of process. The server holds ≈ 105 MB.
public final class SmartTurnModel: EndOfTurnModel {
    public static let sampleRate = 16_000
    /// The model reads the last 8 s; older audio is not sent.
    public static let windowSamples = 8 * sampleRate

    public let installation: SmartTurnInstallation
    public let python: String
    /// How long the server may take to load before it counts as failed.
    public let startTimeout: Double
    /// How long one answer may take before the server counts as hung.
    public let answerTimeout: Double

    private struct Slot {
        var server: SmartTurnServer?
        var closed = false
        var restarts = 0
    }
    private let slot = Mutex(Slot())
    private let queue = DispatchQueue(label: "ringside.speech.smartturn")
    private let logger = Logger(label: "ringside.speech.smartturn")

    /// Finds the install (`SmartTurnInstallation.locate()` unless given) and the interpreter; throws
    /// `SmartTurnError` naming what is missing. Starts nothing yet.
    public init(installation: SmartTurnInstallation? = nil, python: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                startTimeout: Double = 30, answerTimeout: Double = 20) throws {
        let installation = try installation ?? SmartTurnInstallation.locate(environment: environment)
        guard installation.isComplete else { throw SmartTurnError.notInstalled(lookedIn: [installation.prefix]) }
        self.installation = installation
        self.python = try python ?? SmartTurnInstallation.python(environment: environment)
        self.startTimeout = startTimeout
        self.answerTimeout = answerTimeout
    }

    deinit { close() }

    /// Starts the server now rather than on the first decision.
    public func start() async throws {
        try await onQueue { try self.slot.withLock { slot in _ = try self.runningServer(&slot) } }
    }

    public func probabilityComplete(samples16k: [Int16]) async throws -> Double {
        try await decide(samples16k: samples16k).probability
    }

    /// The model's answer for audio ending now (16 kHz mono; only the last 8 s are used), with timings.
    public func decide(samples16k: [Int16]) async throws -> SmartTurnDecision {
        let window = Array(samples16k.suffix(Self.windowSamples))
        return try await onQueue { try self.slot.withLock { slot in try self.decide(window, in: &slot) } }
    }

    /// Stops the server (after a decision in flight) and waits for it to exit; later decisions throw
    /// `SmartTurnError.closed`.
    public func close() {
        slot.withLock { slot in
            slot.closed = true
            slot.server?.stop()
            slot.server = nil
        }
    }

    /// The server's process id while one runs (for tests and diagnostics).
    public var serverProcessID: pid_t? { slot.withLock { $0.server?.pid } }

    /// The running server's private directory (for tests).
    var serverDirectory: String? { slot.withLock { $0.server?.directory } }

    /// How many times a dead or hung server was replaced.
    public var restartCount: Int { slot.withLock { $0.restarts } }

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func runningServer(_ slot: inout Slot) throws -> SmartTurnServer {
        if slot.closed { throw SmartTurnError.closed }
        if let server = slot.server {
            if server.isRunning() { return server }
            logger.warning("Smart Turn server (pid \(server.pid)) \(server.exitDescription); restarting it")
            server.stop()
            slot.server = nil
            slot.restarts += 1
        }
        let server = try SmartTurnServer.start(python: python, installation: installation, model: ["--model", installation.modelPath],
                                               startTimeout: startTimeout, answerTimeout: answerTimeout)
        slot.server = server
        return server
    }

    private func decide(_ window: [Int16], in slot: inout Slot) throws -> SmartTurnDecision {
        var failure = ""
        for attempt in 0..<2 {
            let server = try runningServer(&slot)
            let sent = DispatchTime.now().uptimeNanoseconds
            do {
                let (probability, modelMilliseconds) = try server.ask(window)
                let roundTrip = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6
                return SmartTurnDecision(probability: probability, modelMilliseconds: modelMilliseconds, roundTripMilliseconds: roundTrip)
            } catch {
                failure = "\(error)"
                server.stop()
                failure += server.exitDescription.isEmpty ? "" : "; it \(server.exitDescription)"
                slot.server = nil
                if attempt == 0 {
                    logger.warning("Smart Turn server (pid \(server.pid)) failed a request (\(failure)); restarting it")
                    slot.restarts += 1
                }
            }
        }
        throw SmartTurnError.serverFailed("no answer after a restart: \(failure)")
    }
}

/// A failed exchange with a running server (it died, hung, or broke the protocol).
struct SmartTurnServerIOError: Error, CustomStringConvertible {
    var description: String
}

/// One server process and our connection to it. Not thread-safe: `SmartTurnModel` uses it under its lock.
final class SmartTurnServer {
    let pid: pid_t
    /// The server's standard input: closing it tells the server to exit.
    private var control: Int32
    private var connection: ModelConnection?
    /// Holds the socket and the server's stderr; the server removes it when it exits on its own.
    let directory: String
    private var status: Int32?

    private init(pid: pid_t, control: Int32, directory: String) {
        self.pid = pid
        self.control = control
        self.directory = directory
    }

    deinit { stop() }

    /// Starts the server, waits for its "ready" line and connects; on failure, says why (with its stderr).
    /// `model` is the server's model argument: `--model` and the Smart Turn file, or `--vad` and Silero's.
    static func start(python: String, installation: SmartTurnInstallation, model: [String],
                      startTimeout: Double, answerTimeout: Double) throws -> SmartTurnServer {
        let directory = try privateDirectory()
        let socketPath = directory + "/socket", logPath = directory + "/server.log"
        var stdinPair: [Int32] = [-1, -1], stdoutPair: [Int32] = [-1, -1]
        // Socket pairs rather than pipes: created close-on-exec atomically, so no other child this
        // process starts meanwhile inherits our end (which would keep the server alive after us).
        let streamCloexec = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, streamCloexec, 0, &stdinPair) == 0 else {
            try? FileManager.default.removeItem(atPath: directory)
            throw SmartTurnError.serverFailed("cannot create a socket pair: \(String(cString: strerror(errno)))")
        }
        guard socketpair(AF_UNIX, streamCloexec, 0, &stdoutPair) == 0 else {
            let reason = String(cString: strerror(errno))
            close(stdinPair[0]); close(stdinPair[1])
            try? FileManager.default.removeItem(atPath: directory)
            throw SmartTurnError.serverFailed("cannot create a socket pair: \(reason)")
        }
        let arguments = [python, "-S", "-B", installation.serverPath] + model + ["--socket", socketPath, "--private-directory", directory]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = installation.pythonPath
        environment.removeValue(forKey: "PYTHONHOME")
        let spawned = spawn(arguments, environment: environment, stdin: stdinPair[1], stdout: stdoutPair[1], stderrPath: logPath)
        close(stdinPair[1])
        close(stdoutPair[1])
        let pid: pid_t
        switch spawned {
        case .success(let p): pid = p
        case .failure(let failure):
            let code = failure.code
            close(stdinPair[0]); close(stdoutPair[0])
            try? FileManager.default.removeItem(atPath: directory)
            if code == ENOENT || code == EACCES { throw SmartTurnError.pythonMissing("cannot run \(python): \(String(cString: strerror(code)))") }
            throw SmartTurnError.serverFailed("cannot start \(python): \(String(cString: strerror(code)))")
        }
        let server = SmartTurnServer(pid: pid, control: stdinPair[0], directory: directory)
        defer { close(stdoutPair[0]) }
        // The server prints exactly one line, "ready", once the model is loaded and the socket listens.
        switch firstLine(stdoutPair[0], timeout: startTimeout) {
        case .line("ready"):
            break
        case .line(let other):
            server.stop()
            throw SmartTurnError.serverFailed("\(installation.serverPath) said \"\(other)\" instead of \"ready\"\(server.logTail)")
        case .closed:
            _ = server.waitForExit(seconds: 2)
            let why = server.exitDescription.isEmpty ? "closed its output" : server.exitDescription
            let tail = server.logTail
            server.stop()
            throw SmartTurnError.serverFailed("\(installation.serverPath) \(why) before it was ready\(tail)")
        case .timedOut:
            server.stop()
            throw SmartTurnError.serverFailed("\(installation.serverPath) was not ready after \(Int(startTimeout)) s")
        }
        do {
            server.connection = try ModelConnection(path: socketPath, timeout: answerTimeout)
        } catch {
            server.stop()
            throw SmartTurnError.serverFailed("cannot connect to \(socketPath): \(error)")
        }
        return server
    }

    /// The probability and the server's milliseconds for `samples` (16 kHz mono).
    func ask(_ samples: [Int16]) throws -> (Double, Double) {
        guard let connection else { throw SmartTurnServerIOError(description: "not connected") }
        return try connection.exchange(samples)
    }

    /// Another connection to this server (a VAD stream of its own).
    func connect(timeout: Double) throws -> ModelConnection {
        try ModelConnection(path: directory + "/socket", timeout: timeout)
    }

    /// False once the process has exited (reaping it).
    func isRunning() -> Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, WNOHANG)
        if reaped == pid { status = raw; return false }
        return reaped == 0
    }

    /// "exited with status N" or "was killed by signal N" once it has exited; "" while it runs.
    var exitDescription: String {
        guard let raw = status else { return "" }
        return raw & 0x7F == 0 ? "exited with status \((raw >> 8) & 0xFF)" : "was killed by signal \(raw & 0x7F)"
    }

    /// Closes the connection and the server's standard input, waits up to a second for it to exit
    /// (it does at once), kills it otherwise, reaps it, and removes its directory. Idempotent.
    func stop() {
        connection?.close()
        connection = nil
        if control >= 0 { close(control); control = -1 }
        if status == nil && !waitForExit(seconds: 1) {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = raw
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Waits up to `seconds` for the process to exit; true once it has.
    func waitForExit(seconds: Double) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while isRunning() {
            if DispatchTime.now().uptimeNanoseconds >= deadline { return false }
            usleep(2_000)
        }
        return true
    }

    /// The end of the server's stderr, as ": …" (or "" when it wrote nothing).
    private var logTail: String {
        guard let data = FileManager.default.contents(atPath: directory + "/server.log") else { return "" }
        let text = String(decoding: data.suffix(600), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": \(text)"
    }

    /// A fresh directory only we can enter, for the socket and the server's stderr. Under TMPDIR
    /// unless that makes the socket path too long for a sockaddr_un, else under /tmp.
    private static func privateDirectory() throws -> String {
        var base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        if base.utf8.count > 60 { base = "/tmp" }
        var template = Array("\(base.hasSuffix("/") ? String(base.dropLast()) : base)/ringside-smart-turn-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SmartTurnError.serverFailed("cannot create a directory under \(base): \(String(cString: strerror(errno)))")
        }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private enum LineRead: Equatable {
        case line(String), closed, timedOut
    }

    /// The first line written to `fd` within `timeout` seconds.
    private static func firstLine(_ fd: Int32, timeout: Double) -> LineRead {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                return .line(String(decoding: buffer[..<newline], as: UTF8.self))
            }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return .timedOut }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(1_000, (deadline - now) / 1_000_000 + 1)))
            if ready < 0 && errno != EINTR { return .closed }
            if ready <= 0 { continue }
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .closed }
            buffer += chunk[..<n]
        }
    }

    /// posix_spawn with the given standard input and output, stderr to a file, no other descriptor
    /// inherited, and every signal unblocked and at its default (whatever thread spawns it).
    private static func spawn(_ arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32,
                              stderrPath: String) -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // glibc 2.34+; not in Swift's Glibc module, so looked up by name.
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        return rc == 0 ? .success(pid) : .failure(SpawnFailure(code: rc))
    }
}

/// One connection to a model server: a request is a u32 sample count and the samples, the reply two
/// float32s (the model's answer, a probability, and the server's milliseconds). Not thread-safe.
final class ModelConnection {
    private var fd: Int32 = -1

    /// Connects to the server's socket at `path`; sends and receives time out after `timeout` seconds.
    init(path: String, timeout: Double) throws {
        try connect(path, timeout: timeout)
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Sends `samples` (16 kHz mono) and returns the probability and the server's milliseconds.
    func exchange(_ samples: [Int16]) throws -> (Double, Double) {
        guard fd >= 0 else { throw SmartTurnServerIOError(description: "not connected") }
        let connection = fd
        var header = UInt32(samples.count).littleEndian
        try withUnsafeBytes(of: &header) { try sendAll($0) }
        #if _endian(little)
        try samples.withUnsafeBytes { try sendAll($0) }
        #else
        try samples.map(\.littleEndian).withUnsafeBytes { try sendAll($0) }
        #endif
        var reply = [UInt8](repeating: 0, count: 8)
        try reply.withUnsafeMutableBytes { raw in
            var got = 0
            while got < raw.count {
                let n = recv(connection, raw.baseAddress! + got, raw.count - got, 0)
                if n == 0 { throw SmartTurnServerIOError(description: "the server closed the connection") }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SmartTurnServerIOError(description: errno == EAGAIN ? "no answer in time" : "recv: \(String(cString: strerror(errno)))")
                }
                got += n
            }
        }
        let (probability, milliseconds) = reply.withUnsafeBytes { raw in
            (Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self))),
             Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))))
        }
        guard probability.isFinite, (0...1).contains(probability) else {
            throw SmartTurnServerIOError(description: "the server answered \(probability), not a probability")
        }
        return (Double(probability), Double(milliseconds))
    }

    private func sendAll(_ bytes: UnsafeRawBufferPointer) throws {
        var sent = 0
        while sent < bytes.count {
            let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                throw SmartTurnServerIOError(description: errno == EAGAIN ? "request timed out" : "send: \(String(cString: strerror(errno)))")
            }
            sent += n
        }
    }

    private func connect(_ path: String, timeout: Double) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SmartTurnServerIOError(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            throw SmartTurnServerIOError(description: "socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw SmartTurnServerIOError(description: reason)
        }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

}

/// posix_spawn's error number.
private struct SpawnFailure: Error {
    var code: Int32
}
