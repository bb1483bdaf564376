import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Speech
import Telephony
import ProcessHarness

/// `ringside-bench serve`: `ringside serve` (the built program beside this one) over loopback, as a
/// long-running service: memory and descriptors over many calls (the slope in KB per call), how a
/// burst of calls that end at once delays the next real call, and how fast a password guesser is
/// answered and how many of its guesses are checked.
struct ServeBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "serve soak (KB and descriptors per call), burst recovery, password-guessing rate.",
        discussion: "Writes .bench/serve.json. Real time: about two minutes for 100 calls."
    )

    @OptionGroup var options: BenchOptions
    @Option(help: "The agent folder served.") var agent = "sample-calls/clinic"
    @Option(help: "Calls in the soak.") var calls = 100
    @Option(help: "Calls before the slope is measured (models and caches load on the first ones).") var warmUp = 10
    @Option(help: "INVITE+BYE pairs in the burst.") var burst = 50
    @Option(help: "Callers at once in the capacity rounds (comma-separated; empty: no capacity rounds).") var capacity = "1,2,4"
    @Option(help: "Recognisers writing the finals in the capacity rounds (comma-separated).") var capacityStt = "whisper,pocketsphinx"

    func run() async throws {
        BenchLogging.bootstrap()
        var report = await ServeBench.run(agent: URL(fileURLWithPath: agent), calls: calls, warmUp: warmUp, burst: burst)
        let levels = capacity.split(separator: ",").compactMap { Int($0) }
        if !levels.isEmpty {
            do {
                try await ServeCapacity.run(agent: URL(fileURLWithPath: agent), engines: capacityStt.split(separator: ",").map(String.init),
                                            levels: levels, into: &report)
            } catch {
                report.notes.append("capacity not measured: \(error)")
            }
        }
        report.printTable()
        try report.write(to: options.output)
    }
}

enum ServeBench {
    static func run(agent: URL, calls: Int, warmUp: Int, burst: Int) async -> BenchReport {
        var report = BenchReport(name: "serve")
        do {
            try await soak(agent: agent, calls: calls, warmUp: warmUp, burst: burst, into: &report)
        } catch {
            report.notes.append("soak not measured: \(error)")
        }
        do {
            try guessing(agent: agent, into: &report)
        } catch {
            report.notes.append("guessing rate not measured: \(error)")
        }
        return report
    }

    /// A running `ringside serve` and a phone calling it.
    struct Served {
        let process: ChildProcess
        let port: UInt16
        let log: URL

        static func start(agent: URL, extra: [String] = [], environment: [String: String] = [:]) throws -> Served {
            let ringside = ProgramPaths.builtProduct("ringside").path
            guard FileManager.default.isExecutableFile(atPath: ringside) else { throw BenchError("ringside is not built beside ringside-bench (\(ringside))") }
            let port = try freePort()
            let dir = try ProgramPaths.temporaryDirectory("ringside-bench-serve")
            let log = dir.appendingPathComponent("serve.log")
            let fd = open(log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            defer { close(fd) }
            let process = try ChildProcess.spawn(ringside, ["serve", "--agent", agent.path, "--port", String(port), "--headless", "--no-record",
                                                           "--approve", "none"] + extra, environment: environment, stdout: fd, stderr: fd)
            return Served(process: process, port: port, log: log)
        }

        func stop() {
            process.signal(SIGKILL)
            _ = process.wait()
        }
    }

    static func freePort() throws -> UInt16 {
        for _ in 0..<200 {
            let p = UInt16.random(in: 20000...40000)
            if PortProbe.isFree(port: p, transport: .udp), PortProbe.isFree(port: p, transport: .tcp) { return p }
        }
        throw BenchError("no free port")
    }

    static func residentKB(_ pid: pid_t) -> Double? { ProcessFigures.residentKB(pid) }

    static func openFiles(_ pid: pid_t) -> Int { ProcessFigures.openFiles(pid) }

    /// Least-squares slope of `ys` over `xs`.
    static func slope(_ xs: [Double], _ ys: [Double]) -> Double {
        let n = Double(xs.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return sxx > 0 ? sxy / sxx : 0
    }

    /// One call: INVITE, the greeting's start, a question, a little of the answer, BYE. Returns the
    /// seconds from dialling to the first agent audio, or nil when the call did not connect.
    static func call(_ client: SIPPhone, port: UInt16, speech: [AudioFrame]) async throws -> Double? {
        let dialled = ContinuousClock.now
        let call = try client.dial("sip:agent@127.0.0.1:\(port)")
        var connected = false
        for await event in client.events {
            if case .connected = event { connected = true; break }
            if case .ended = event { break }
        }
        guard connected else { return nil }
        var firstAudio: Double?
        for _ in 0..<500 where firstAudio == nil {  // at most 10 s of frames
            guard let frame = try await call.media.source.nextFrameAsync() else { break }
            if AudioLevel(frame: frame).rms > 0.01 {
                let d = ContinuousClock.now - dialled
                firstAudio = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
        }
        for f in speech {
            try call.media.sink.write(f)
            _ = try await call.media.source.nextFrameAsync()
        }
        for _ in 0..<25 { _ = try await call.media.source.nextFrameAsync() }
        call.hangUp()
        for await event in client.events { if case .ended = event { break } }
        return firstAudio
    }

    static func soak(agent: URL, calls: Int, warmUp: Int, burst: Int, into report: inout BenchReport) async throws {
        let served = try Served.start(agent: agent)
        defer { served.stop() }
        let clientPort = try freePort()
        let client = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: clientPort),
                                                                   mediaAddress: "127.0.0.1", codecs: [.pcmu], autoAnswer: false))
        try client.start()
        defer { Task { await client.shutdown() } }
        var speech: [AudioFrame] = []
        for try await f in try FliteSynthesizer(voice: "rms").synthesize("What are your opening hours?", rate: client.configuration.rate).frames { speech.append(f) }
        // serve may still be starting: the first call is tried a bounded number of times.
        var first: Double?
        for _ in 0..<50 where first == nil {
            first = try await call(client, port: served.port, speech: speech)
            if first == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard first != nil else { throw BenchError("serve did not answer: \((try? String(contentsOf: served.log, encoding: .utf8)) ?? "")") }
        var xs: [Double] = [], ys: [Double] = [], fds: [Int] = []
        var failed = 0
        for n in 2...max(2, calls) {
            if try await call(client, port: served.port, speech: speech) == nil { failed += 1 }
            if n > warmUp, let kb = residentKB(served.process.pid) {
                xs.append(Double(n))
                ys.append(kb)
                fds.append(openFiles(served.process.pid))
            }
        }
        if xs.count >= 3 {
            report.add("serve soak: RSS slope after \(warmUp) calls", slope(xs, ys), "KB/call")
            report.add("serve soak: RSS at the end", (ys.last ?? 0) / 1024, "MB")
            report.add("serve soak: descriptors, first → last measured", Double((fds.last ?? 0) - (fds.first ?? 0)), "fds")
        }
        report.add("serve soak: calls that failed", Double(failed), "calls")

        // Burst: the next real call's time to first agent audio, before and after INVITE+BYE pairs.
        var before: [Double] = []
        for _ in 0..<3 { if let t = try await call(client, port: served.port, speech: []) { before.append(t) } }
        let sent = try sendBurst(port: served.port, pairs: burst)
        let after = try await call(client, port: served.port, speech: [])
        report.add("burst: first agent audio before (median of \(before.count))", (before.sorted().dropFirst(before.count / 2).first ?? 0) * 1000, "ms")
        report.add("burst: first agent audio after \(sent) INVITE+BYE pairs", (after ?? .infinity) * 1000, "ms")
        if let kb = residentKB(served.process.pid) { report.add("burst: RSS after", kb / 1024, "MB") }
    }

    /// `pairs` calls that end as soon as they are answered: INVITE, 200, then ACK and BYE at once.
    static func sendBurst(port: UInt16, pairs: Int) throws -> Int {
        let socket = try RawUDP()
        defer { socket.close() }
        let sdp = SessionDescription.offer(address: "127.0.0.1", port: 40200, codecs: [.pcmu]).text
        var ended = 0
        for n in 0..<pairs {
            let callID = "burst-\(n)-\(UUID().uuidString.prefix(8))@bench"
            let from = "<sip:burst@127.0.0.1>;tag=b\(n)"
            let via = { "Via: SIP/2.0/UDP 127.0.0.1:\(socket.port);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport" }
            let invite = (["INVITE sip:agent@127.0.0.1:\(port) SIP/2.0", via(), "Max-Forwards: 70", "From: \(from)",
                           "To: <sip:agent@127.0.0.1:\(port)>", "Call-ID: \(callID)", "Contact: <sip:burst@127.0.0.1:\(socket.port)>",
                           "CSeq: 1 INVITE", "Content-Type: application/sdp", "Content-Length: \(sdp.utf8.count)"]).joined(separator: "\r\n") + "\r\n\r\n" + sdp
            socket.send(invite, port: port)
            guard let answer = socket.finalResponse(callID: callID, timeout: 2), answer.hasPrefix("SIP/2.0 200"),
                  let to = answer.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("to:") || $0.hasPrefix("t:") }) else { continue }
            for (method, cseq) in [("ACK", 1), ("BYE", 2)] {
                socket.send((["\(method) sip:agent@127.0.0.1:\(port) SIP/2.0", via(), "Max-Forwards: 70", "From: \(from)", to, "Call-ID: \(callID)",
                              "CSeq: \(cseq) \(method)", "Content-Length: 0"]).joined(separator: "\r\n") + "\r\n\r\n", port: port)
            }
            ended += 1
        }
        return ended
    }

    /// A password guesser against `serve --auth-user` for three seconds: attempts answered and checked per second.
    static func guessing(agent: URL, into report: inout BenchReport) throws {
        let password = "bench-\(UUID().uuidString.prefix(8))"
        let served = try Served.start(agent: agent, extra: ["--auth-user", "alice"], environment: ["RINGSIDE_SERVE_PASSWORD": password])
        defer { served.stop() }
        let socket = try RawUDP()
        defer { socket.close() }
        let uri = "sip:agent@127.0.0.1:\(served.port)"
        let sdp = SessionDescription.offer(address: "127.0.0.1", port: 40202, codecs: [.pcmu]).text
        func invite(_ callID: String, authorization: String?) -> String {
            var lines = ["INVITE \(uri) SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:\(socket.port);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
                         "Max-Forwards: 70", "From: <sip:alice@127.0.0.1>;tag=g", "To: <\(uri)>", "Call-ID: \(callID)", "CSeq: 1 INVITE",
                         "Contact: <sip:alice@127.0.0.1:\(socket.port)>", "Content-Type: application/sdp"]
            if let authorization { lines.append(authorization) }
            lines.append("Content-Length: \(sdp.utf8.count)")
            return lines.joined(separator: "\r\n") + "\r\n\r\n" + sdp
        }
        // Wait (bounded) for serve to answer the first challenge.
        var challenge: String?
        for n in 0..<50 where challenge == nil {
            socket.send(invite("challenge-\(n)@bench", authorization: nil), port: served.port)
            challenge = socket.finalResponse(callID: "challenge-\(n)@bench", timeout: 0.2)
        }
        guard let challenge, let nonce = challenge.components(separatedBy: "nonce=\"").dropFirst().first?.split(separator: "\"").first.map(String.init) else {
            throw BenchError("no digest challenge from serve")
        }
        var attempts = 0, checked = 0
        let start = Date()
        while Date().timeIntervalSince(start) < 3 {
            attempts += 1
            let nc = String(format: "%08x", attempts)
            let fields = DigestAuthorization(username: "alice", realm: "ringside", nonce: nonce, uri: uri, response: "", algorithm: "MD5",
                                             qop: "auth", nonceCount: nc, cnonce: "bench")
            let response = fields.expectedResponse(method: "INVITE", password: "guess-\(attempts)")
            let authorization = "Authorization: Digest username=\"alice\", realm=\"ringside\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
                + "response=\"\(response)\", algorithm=MD5, qop=auth, nc=\(nc), cnonce=\"bench\""
            let callID = "guess-\(attempts)@bench"
            socket.send(invite(callID, authorization: authorization), port: served.port)
            guard let answer = socket.finalResponse(callID: callID, timeout: 1) else { continue }
            if !answer.lowercased().contains("\r\nretry-after:") { checked += 1 }
        }
        let seconds = Date().timeIntervalSince(start)
        report.add("guessing: attempts answered", Double(attempts) / seconds, "/s")
        report.add("guessing: attempts checked", Double(checked) / seconds, "/s")
    }
}

/// A bare UDP socket on 127.0.0.1 for hand-written SIP.
final class RawUDP {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("cannot open a UDP socket") }
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { Glibc.close(fd); throw BenchError("cannot bind a UDP socket") }
        port = UInt16(bigEndian: address.sin_port)
    }

    func send(_ text: String, port: UInt16) {
        var to = sockaddr_in()
        to.sin_family = sa_family_t(AF_INET)
        to.sin_port = port.bigEndian
        to.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bytes = Array(text.utf8)
        _ = withUnsafePointer(to: &to) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// The first final response (≥ 200) with this Call-ID within `timeout` seconds, as text.
    func finalResponse(callID: String, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { continue }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            guard text.hasPrefix("SIP/2.0 "), text.contains("Call-ID: \(callID)") || text.contains("i: \(callID)") else { continue }
            let code = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
            if code >= 200 { return text }
        }
        return nil
    }

    func close() { Glibc.close(fd) }
}
