import Foundation
import ProcessHarness
import Synchronization

/// A real PulseAudio daemon private to this test process: its own runtime folder, a null sink
/// whose monitor is the default source, reached through an explicit socket.
public final class PrivatePulseDaemon: Sendable {
    public let directory: String
    /// Value for `PULSE_SERVER` and for `PulseStreamOptions.server`.
    public let server: String
    public let sinkName: String
    public var monitorName: String { sinkName + ".monitor" }
    /// A second null sink standing in for a microphone: play the caller into it, capture its monitor.
    public let micSinkName = "ringside_test_mic"
    public var micSourceName: String { micSinkName + ".monitor" }
    /// A sink for a call's speaker, so its audio never mixes into another test's loop.
    public let speakerSinkName = "ringside_test_speaker"
    private let process: ChildProcess

    private static let shared = Mutex<Result<PrivatePulseDaemon, DaemonError>?>(nil)

    public struct DaemonError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The daemon for this test process, started on first use and stopped at exit.
    public static func start() throws -> PrivatePulseDaemon {
        let result = shared.withLock { cached -> Result<PrivatePulseDaemon, DaemonError> in
            if let cached { return cached }
            let r = Result { try PrivatePulseDaemon() }.mapError { $0 as? DaemonError ?? DaemonError(description: "\($0)") }
            cached = r
            if case .success = r { atexit { PrivatePulseDaemon.stopShared() } }
            return r
        }
        return try result.get()
    }

    private static func stopShared() {
        if case .success(let d)? = shared.withLock({ $0 }) { d.stop() }
    }

    private init() throws {
        guard let pulseaudio = TestPaths.executable("pulseaudio") else {
            throw DaemonError(description: "pulseaudio is not installed (apt-get install pulseaudio); `make test` installs it")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-pulse-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir + "/home", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        directory = dir
        sinkName = "ringside_test_null"
        let socket = dir + "/native"
        server = "unix:" + socket
        let config = """
            load-module module-native-protocol-unix auth-anonymous=1 socket=\(socket)
            load-module module-null-sink sink_name=\(sinkName) rate=48000 sink_properties=device.description=Ringside_test_null
            load-module module-null-sink sink_name=\(micSinkName) rate=16000 sink_properties=device.description=Ringside_test_mic
            load-module module-null-sink sink_name=\(speakerSinkName) rate=16000 sink_properties=device.description=Ringside_test_speaker
            set-default-sink \(sinkName)
            set-default-source \(sinkName).monitor

            """
        try config.write(toFile: dir + "/test.pa", atomically: true, encoding: .utf8)
        let p = try ChildProcess.spawn(
            pulseaudio,
            ["--daemonize=no", "--exit-idle-time=-1", "-n", "-F", dir + "/test.pa", "--log-target=file:" + dir + "/pulse.log", "--disallow-exit"],
            environment: ["HOME": dir + "/home", "XDG_RUNTIME_DIR": dir + "/run"], removing: ["PULSE_SERVER"])
        process = p
        // Wait for the socket to accept connections: bounded, and it fails loudly.
        for _ in 0..<200 {
            if Self.canConnect(socket) { return }
            if p.hasExited() { break }
            usleep(25_000)
        }
        let log = (try? String(contentsOfFile: dir + "/pulse.log", encoding: .utf8)) ?? ""
        p.signal(SIGTERM)
        p.wait()
        throw DaemonError(description: "private PulseAudio daemon did not start; log:\n\(log)")
    }

    private static func canConnect(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0
    }

    public func stop() {
        process.signal(SIGTERM)
        process.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
