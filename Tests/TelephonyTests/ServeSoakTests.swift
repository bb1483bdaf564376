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
        var figures = SoakFigures(warmUp: Self.warmUp, calls: Self.calls)
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
                    try await Self.converse(call, speech)
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
                if SoakFigures.finishedRecordings(in: calls) >= connectedCalls { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            figures.sample(serve.pid, afterCall: n)
        }
        await client.shutdown()
        // (A leak of ≈ 42 MB a call was found before this test existed.)
        let growth = try #require(figures.growth(), "missing readings: \(figures.listing)")
        print("serve soak: " + figures.summary)
        #expect(growth.mb <= 20, "serve grew \(growth.mb) MB over the second half of the calls: \(figures.listing)")
        // A descriptor kept per call would add one per call (24); a few sockets still closing when a
        // figure is read (RTP, SIP transactions) come and go. Growth must stay below one per four calls.
        #expect(growth.fdsAtEnd - growth.fdsAfterWarmUp < Self.calls / 4, "open descriptors grew: \(figures.listing)")
    }

    /// One soaked call's audio: the start of the greeting, `speech` (a question), a little of the answer
    /// (bounded frame reads).
    static func converse(_ call: PhoneCall, _ speech: [AudioFrame]) async throws {
        for _ in 0..<25 { _ = try await call.media.source.nextFrameAsync() }
        for f in speech {
            try call.media.sink.write(f)
            _ = try await call.media.source.nextFrameAsync()
        }
        for _ in 0..<25 { _ = try await call.media.source.nextFrameAsync() }
    }

    /// One second and a half of a caller's question (flite), at the rate the phone takes frames at
    /// (the wire is PCMU either way).
    static func speech() async throws -> [AudioFrame] {
        var frames: [AudioFrame] = []
        for try await f in try FliteSynthesizer(voice: "rms").synthesize("What are your opening hours?", rate: SIPPhoneConfiguration().rate).frames { frames.append(f) }
        return frames
    }
}
