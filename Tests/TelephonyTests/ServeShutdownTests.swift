import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// `ringside serve` (the built program, headless) stopped by a signal with a call in progress: the
/// caller hears the goodbye and gets a BYE, new calls get 503 with Retry-After, the recording ends
/// with its call-ended record, and serve exits 0 within 5 s; a second signal ends it at once.
/// `--max-calls` answers 503 with Retry-After when full.
@Suite(.serialized) struct ServeShutdownTests {
    static let goodbye = "This line is closing now. Goodbye."

    /// A running serve with one call connected to it from `client`.
    struct Running {
        let serve: ChildProcess
        let port: UInt16
        let dir: URL
        let client: SIPPhone
        let call: PhoneCall
        var log: String { (try? String(contentsOf: dir.appendingPathComponent("serve.log"), encoding: .utf8)) ?? "" }

        /// Waits (bounded) until serve's log holds `text`.
        func waitForLog(_ text: String, seconds: Double = 5) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if log.contains(text) { return true }
                usleep(20_000)
            }
            return false
        }
    }

    /// The built `ringside serve --headless` for the clinic agent on a free port, its output in `dir`/serve.log.
    static func spawnServe(in dir: URL, _ arguments: [String]) throws -> (serve: ChildProcess, port: UInt16) {
        let ringside = TestPaths.builtProduct("ringside").path
        try #require(FileManager.default.isExecutableFile(atPath: ringside), "ringside is not built beside the tests")
        let port = try #require(ServeTests.freePort())
        let log = open(dir.appendingPathComponent("serve.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(log) }
        let serve = try ChildProcess.spawn(ringside, ["serve", "--agent", TestPaths.repository.appendingPathComponent("sample-calls/clinic").path,
                                                     "--port", String(port), "--headless", "--approve", "none"] + arguments,
                                           stdout: log, stderr: log)
        return (serve, port)
    }

    static func startServeWithACall(_ extra: [String]) async throws -> Running {
        let dir = try TestPaths.temporaryDirectory("ringside-serve-shutdown")
        let (serve, port) = try spawnServe(in: dir, ["--record", dir.appendingPathComponent("calls").path, "--goodbye", goodbye] + extra)
        let clientPort = try #require(ServeTests.freePort(excluding: port))
        let client = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: clientPort),
                                                                   mediaAddress: "127.0.0.1", codecs: [.pcmu], autoAnswer: false))
        try client.start()
        // serve may still be starting: a bounded number of tries.
        for _ in 0..<50 {
            let call = try client.dial("sip:agent@127.0.0.1:\(port)")
            for await event in client.events {
                if case .connected = event { return Running(serve: serve, port: port, dir: dir, client: client, call: call) }
                if case .ended = event { break }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        serve.signal(SIGKILL)
        _ = serve.wait()
        Issue.record("no call connected to serve")
        throw CancellationError()
    }

    @Test func sigtermSaysGoodbyeHangsUpRefusesNewCallsAndExitsZero() async throws {
        let running = try await Self.startServeWithACall(["--max-calls", "1"])
        defer { if running.serve.wait(atMost: 0) == nil { running.serve.signal(SIGKILL); _ = running.serve.wait() } }
        // A little of the greeting, so the call is truly under way.
        for _ in 0..<50 { _ = try await running.call.media.source.nextFrameAsync() }

        // Full: a second caller gets 503 with Retry-After.
        let raw = try RawSIP(serverPort: running.port)
        let busyInvite = raw.invite(callID: "busy-\(UUID().uuidString)@test", sdp: Self.offer(port: 40000))
        raw.send(busyInvite)
        let busy = try #require(raw.finalResponse(timeout: 5), "no answer to an INVITE over --max-calls")
        #expect(busy.status == 503, "over --max-calls: \(busy)")
        #expect(Int(busy.header("Retry-After") ?? "") ?? 0 > 0, "503 without Retry-After: \(busy.text)")

        let signalled = Date()
        running.serve.signal(SIGTERM)
        #expect(running.waitForLog("stopping:"), "serve did not start stopping: \(running.log)")
        // While it stops, new calls are refused the same way.
        raw.send(raw.invite(callID: "late-\(UUID().uuidString)@test", sdp: Self.offer(port: 40002)))
        let late = try #require(raw.finalResponse(timeout: 3), "no answer to an INVITE during shutdown")
        #expect(late.status == 503 && late.header("Retry-After") != nil, "during shutdown: \(late.text)")

        // The caller gets a BYE; serve exits 0 within 5 s.
        var endReason: String?
        for await event in running.client.events { if case let .ended(_, reason) = event { endReason = reason; break } }
        #expect(endReason == "remote hung up", "the caller's call ended with \(endReason ?? "nothing")")
        let status = running.serve.wait(atMost: 6)
        let took = Date().timeIntervalSince(signalled)
        #expect(status == 0, "serve exited with \(status.map(String.init) ?? "nothing (still running)"): \(running.log)")
        #expect(took <= 5.5, "serve took \(took) s to stop")
        await running.client.shutdown()

        // The recording heard the goodbye and ends with the call-ended record.
        let calls = running.dir.appendingPathComponent("calls")
        let folders = try FileManager.default.contentsOfDirectory(atPath: calls.path)
        try #require(folders.count == 1, "recordings: \(folders)")
        let events = try String(contentsOf: calls.appendingPathComponent(folders[0]).appendingPathComponent("events.jsonl"), encoding: .utf8)
        let lines = events.split(separator: "\n")
        #expect(lines.contains { $0.contains("ttsRequested") && $0.contains("closing now") }, "no goodbye in the recording")
        #expect(lines.last.map { $0.contains("callEnded") && $0.contains("serve is shutting down") } == true,
                "the recording's last line: \(lines.last ?? "")")
    }

    @Test func secondSignalEndsServeAtOnce() async throws {
        let running = try await Self.startServeWithACall([])
        defer { if running.serve.wait(atMost: 0) == nil { running.serve.signal(SIGKILL); _ = running.serve.wait() } }
        // The call under way (its agent speaking), so the first signal has a call to drain: a call whose
        // SIP answer serve has not yet taken up when it starts stopping is just hung up, and serve would
        // be gone before the second signal.
        for _ in 0..<50 { _ = try await running.call.media.source.nextFrameAsync() }
        running.serve.signal(SIGTERM)
        #expect(running.waitForLog("stopping:"), "serve did not start stopping: \(running.log)")
        let second = Date()
        running.serve.signal(SIGINT)
        let status = running.serve.wait(atMost: 3)
        #expect(status == 128 + SIGINT, "after a second signal serve exited with \(status.map(String.init) ?? "nothing")")
        #expect(Date().timeIntervalSince(second) < 1, "the second signal took \(Date().timeIntervalSince(second)) s")
        await running.client.shutdown()
    }

    /// Thirty calls that end as soon as they are answered (INVITE, 200, ACK and BYE at once): serve
    /// loads nothing and records nothing for those it had not started yet, and the next real caller
    /// hears the agent promptly (12.6 s after a burst of 50 before the agent's start checked for it).
    @Test func aBurstOfCallsEndedAtOnceCostsNothingAndDelaysNoOne() async throws {
        let running = try await Self.startServeWithACall([])
        defer { if running.serve.wait(atMost: 0) == nil { running.serve.signal(SIGKILL); _ = running.serve.wait() } }
        running.call.hangUp()
        for await event in running.client.events { if case .ended = event { break } }
        let raw = try RawSIP(serverPort: running.port)
        var ended = 0
        for n in 0..<30 {
            let callID = "burst-\(n)-\(UUID().uuidString)@test"
            let invite = raw.invite(callID: callID, sdp: Self.offer(port: 40020))
            raw.send(invite)
            guard let answer = raw.finalResponse(callID: callID, timeout: 5), answer.status == 200 else { continue }
            raw.acknowledgeAndHangUp(invite: invite, answer: answer)
            ended += 1
        }
        #expect(ended == 30, "only \(ended) of the burst's calls were answered")
        // The next real call: the greeting starts promptly.
        let dialled = Date()
        let call = try running.client.dial("sip:agent@127.0.0.1:\(running.port)")
        var connected = false
        for await event in running.client.events {
            if case .connected = event { connected = true; break }
            if case .ended = event { break }
        }
        try #require(connected, "the call after the burst did not connect: \(running.log)")
        var firstAudio: Double?
        for _ in 0..<500 where firstAudio == nil {
            guard let frame = try await call.media.source.nextFrameAsync() else { break }
            if AudioLevel(frame: frame).rms > 0.01 { firstAudio = Date().timeIntervalSince(dialled) }
        }
        let heard = try #require(firstAudio, "no greeting after the burst")
        #expect(heard < 3, "the greeting after the burst came \(heard) s after dialling")
        call.hangUp()
        for await event in running.client.events { if case .ended = event { break } }
        await running.client.shutdown()
        // Recordings: the two real calls, and at most the burst's first few (started before their BYE came).
        let folders = try FileManager.default.contentsOfDirectory(atPath: running.dir.appendingPathComponent("calls").path)
        print("burst: greeting after \(String(format: "%.2f", heard)) s; \(folders.count - 2) of 30 ended calls recorded")
        #expect(folders.count <= 2 + 3, "\(folders.count - 2) of the 30 calls that ended at once got a recording folder")
    }

    static func offer(port: UInt16) -> String {
        SessionDescription.offer(address: "127.0.0.1", port: port, codecs: [.pcmu]).text
    }
}
