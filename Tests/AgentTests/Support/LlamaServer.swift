import AsyncHTTPClient
import Foundation
import ProcessHarness
#if canImport(Glibc)
import Glibc
#endif

/// llama-cpp-python's OpenAI-compatible server with the small model `Tests/Support/install-llm.sh`
/// installs (`make setup-test`), started on 127.0.0.1 for one test suite and stopped after it.
final class LlamaServer: @unchecked Sendable {
    struct NotInstalled: Error, CustomStringConvertible {
        var path: String
        var description: String { "the LLM test server is not installed at \(path): run `make setup-test` (Tests/Support/install-llm.sh PREFIX; RINGSIDE_LLM_PREFIX names PREFIX)" }
    }

    struct NotReady: Error, CustomStringConvertible {
        var why: String
        var log: String
        var description: String { "the LLM test server did not come up: \(why)\n\(log.suffix(2000))" }
    }

    let child: ChildProcess
    let port: Int
    let logURL: URL
    var base: String { "http://127.0.0.1:\(port)/v1" }

    static var prefix: String {
        ProcessInfo.processInfo.environment["RINGSIDE_LLM_PREFIX"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Fixtures.root.appendingPathComponent(".build/llm").path
    }

    /// Starts the server and waits (at most `readyWithin` seconds) until it answers `/v1/models`.
    init(readyWithin: Double = 120) async throws {
        let launcher = LlamaServer.prefix + "/bin/ringside-llm-server"
        guard FileManager.default.isExecutableFile(atPath: launcher) else { throw NotInstalled(path: launcher) }
        port = try LlamaServer.freePort()
        logURL = Fixtures.temporaryFolder().appendingPathComponent("llama-server.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = open(logURL.path, O_WRONLY | O_APPEND)
        defer { close(log) }
        child = try ChildProcess.spawn(launcher, ["--port", String(port), "--n_threads", "2"], stdout: log, stderr: log)
        let deadline = ContinuousClock.now + .seconds(readyWithin)
        while ContinuousClock.now < deadline {
            if child.hasExited() {
                throw NotReady(why: "it exited", log: (try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
            }
            if await answers() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        stop()
        throw NotReady(why: "no answer on 127.0.0.1:\(port) within \(readyWithin) s", log: (try? String(contentsOf: logURL, encoding: .utf8)) ?? "")
    }

    private func answers() async -> Bool {
        let request = HTTPClientRequest(url: "\(base)/models")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) else { return false }
        return response.status.code == 200
    }

    func stop() {
        guard !child.hasExited() else { return }
        child.signal(SIGTERM)
        if child.wait(atMost: 10) == nil {
            child.signal(SIGKILL)
            child.wait()
        }
    }

    deinit { stop() }

    /// A port nobody listens on right now (bound to 127.0.0.1:0, read back, released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NotReady(why: "no socket", log: "") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw NotReady(why: "cannot bind 127.0.0.1:0", log: "") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
