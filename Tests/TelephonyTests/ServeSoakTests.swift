import Audio
import Foundation
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Telephony

/// A bounded soak of `ringside serve` (the built program, headless, recording each call): call after
/// call over loopback — INVITE, the greeting, a second of speech, BYE — while serve's resident memory
/// and open file descriptors are read from /proc. After a warm-up, neither may grow with the calls.
@Suite(.serialized) struct ServeSoakTests {
    static let warmUp = 6
    static let calls = 24

    static func residentMB(_ pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kb / 1024
    }

    static func openFiles(_ pid: pid_t) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? -1
    }

    @Test func memoryAndDescriptorsStayFlatAcrossCalls() async throws {
        let dir = try TestPaths.temporaryDirectory("ringside-serve-soak")
        let calls = dir.appendingPathComponent("calls")
        let (serve, port) = try ServeShutdownTests.spawnServe(in: dir, ["--record", calls.path])
        let clientPort = try #require(ServeTests.freePort(excluding: port))
        defer {
            serve.signal(SIGKILL)
            _ = serve.wait()
        }
        let client = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: clientPort),
                                                                   mediaAddress: "127.0.0.1", codecs: [.pcmu], autoAnswer: false))
        try client.start()
        let speech = try await ServeSoakTests.speech()
        var samples: [(call: Int, rss: Double, fds: Int)] = []
        var connectedCalls = 0
        for n in 1...(Self.warmUp + Self.calls) {
            // serve may still be starting for the first call: a bounded number of tries.
            var connected = false
            for _ in 0..<(n == 1 ? 50 : 1) where !connected {
                let call = try client.dial("sip:agent@127.0.0.1:\(port)")
                for await event in client.events {
                    if case .connected = event { connected = true; break }
                    if case .ended = event { break }
                }
                if connected {
                    // The start of the greeting, a question, a little of the answer (bounded frame reads).
                    for _ in 0..<25 { _ = try await call.media.source.nextFrameAsync() }
                    for f in speech {
                        try call.media.sink.write(f)
                        _ = try await call.media.source.nextFrameAsync()
                    }
                    for _ in 0..<25 { _ = try await call.media.source.nextFrameAsync() }
                    call.hangUp()
                    for await event in client.events { if case .ended = event { break } }
                } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            try #require(connected, "call \(n) did not connect; serve said: \((try? String(contentsOf: dir.appendingPathComponent("serve.log"), encoding: .utf8)) ?? "")")
            connectedCalls += 1
            // Let serve finish the ended call — its recording ends with the call-ended record once the
            // session has closed everything, just before the recogniser goes back to the pool — (bounded),
            // then read its figures. Without this, a call still closing under load makes the next one
            // build a second recogniser: a one-time step (bounded by the pool) that looks like growth.
            for _ in 0..<100 {
                if Self.finishedRecordings(in: calls) >= connectedCalls { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            if let rss = Self.residentMB(serve.pid) { samples.append((n, rss, Self.openFiles(serve.pid))) }
        }
        await client.shutdown()
        let afterWarmUp = try #require(samples.first { $0.call == Self.warmUp })
        let last = try #require(samples.last)
        // Medians of five readings in the middle and at the end of the run. Resources loaded once, when
        // a call first needs them (a model for one kind of expected answer, Whisper's decoding state),
        // step the figure up once somewhere early; a leak grows it with every call, and the second half
        // of the run alone shows that (≈ 42 MB a call before this test existed).
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        let middle = (Self.warmUp + Self.calls) / 2
        let early = samples.filter { abs($0.call - middle) <= 2 }.map(\.rss)
        let late = samples.suffix(5).map(\.rss)
        try #require(early.count == 5 && late.count == 5)
        let growth = median(late) - median(early)
        let perCallKB = growth * 1024 / Double(Self.warmUp + Self.calls - middle)
        print("serve soak: \(connectedCalls) calls; RSS median \(String(format: "%.1f", median(early))) → \(String(format: "%.1f", median(late))) MB "
              + "(\(String(format: "%.0f", perCallKB)) KB per call); fds \(afterWarmUp.fds) → \(last.fds)")
        #expect(growth <= 20, "serve grew \(growth) MB over the second half of the calls: \(samples.map { "\($0.call): \(Int($0.rss)) MB" })")
        // A descriptor kept per call would add one per call (24); a few sockets still closing when a
        // figure is read (RTP, SIP transactions) come and go. Growth must stay below one per four calls.
        #expect(last.fds - afterWarmUp.fds < Self.calls / 4, "open descriptors grew: \(samples.map { "\($0.call): \($0.fds)" })")
    }

    /// Recordings under `folder` whose events end with the call-ended record.
    static func finishedRecordings(in folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            let events = (try? String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
            return events.contains("\"callEnded\"")
        }.count
    }

    /// One second and a half of a caller's question (flite), at the rate the phone takes frames at
    /// (the wire is PCMU either way).
    static func speech() async throws -> [AudioFrame] {
        var frames: [AudioFrame] = []
        for try await f in try FliteSynthesizer(voice: "rms").synthesize("What are your opening hours?", rate: SIPPhoneConfiguration().rate).frames { frames.append(f) }
        return frames
    }
}
