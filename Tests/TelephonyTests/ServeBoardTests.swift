import Audio
import Foundation
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Telephony

/// `ringside serve` on a terminal, as an operator uses it: a caller phones in over SIP and asks for a
/// person; the board rings and highlights the call with the handoff summary; `t` takes it over and the
/// operator's voice (a WAV) reaches the caller over RTP; `t` hands it back and the agent speaks again.
@Suite(.serialized) struct ServeBoardTests {
    /// The caller's side of the call: what it says goes out, everything it hears is kept.
    final class CallerLine: @unchecked Sendable {
        let heard = LockedValue<[Int16]>([])
        let toSay = LockedValue<[AudioFrame]>([])
        let stop = LockedValue(false)

        func say(_ frames: [AudioFrame]) { toSay.withLock { $0 += frames } }

        /// Waits until `count` samples have been heard (bounded: 60 s).
        func waitForHeard(_ count: Int) async throws -> Bool {
            for _ in 0..<1200 {
                if heard.value.count >= count { return true }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            return false
        }

        /// Waits until the agent has fallen silent: the last `ms` heard are quiet (bounded: 60 s).
        func waitForSilence(ms: Int = 2000) async throws -> Bool {
            let count = 16 * ms
            for _ in 0..<1200 {
                let tail = heard.withLock { $0.count >= count ? Array($0.suffix(count)) : nil }
                if let tail, AudioLevel(samples: tail).peak < 0.01 { return true }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            return false
        }

        /// Sends a frame (speech or silence) and reads one, every 20 ms, until stopped (at most two minutes).
        func run(_ call: PhoneCall) async throws {
            for _ in 0..<6000 where !stop.value {
                let next = toSay.withLock { $0.isEmpty ? nil : $0.removeFirst() }
                try call.media.sink.write(next ?? .silence(rate: .hz16000, at: .zero))
                if let f = try await call.media.source.nextFrameAsync() { heard.withLock { $0 += f.samples } }
            }
        }
    }

    @Test(.enabled(if: TmuxHarness.available, "needs tmux and a built ringside"))
    func operatorGetsTheAlertTakesTheSIPCallAndHandsItBack() async throws {
        let pulse = try PrivatePulseDaemon.start()
        let dir = try TestPaths.temporaryDirectory("serve-board")
        let voice = try FliteSynthesizer(voice: "slt")
        var operatorSamples: [Int16] = []
        for try await f in try voice.synthesize("Hello, this is the front desk. How can I help you today?", rate: .hz16000).frames {
            operatorSamples += f.samples
        }
        let operatorWAV = dir.appendingPathComponent("operator.wav").path
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: operatorSamples + [Int16](repeating: 0, count: 16000 * 60)), to: operatorWAV)

        let port = try #require(ServeTests.freePort())
        let session = "serve-board"
        let command = "env PULSE_SERVER=\(pulse.server) LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes "
            + "\(TmuxHarness.binary) serve --agent \(TmuxHarness.repository)/sample-calls/clinic --port \(port) --no-record --operator-input \(operatorWAV)"
        try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", command])
        defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }
        let empty = try await TmuxHarness.waitForInBackground("Waiting for calls", in: session, seconds: 60)
        #expect(empty.contains("Try: ringside call sip:agent@127.0.0.1:\(port)"), "\(empty)")

        let clientPort = try #require(ServeTests.freePort(excluding: port))
        let client = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: clientPort),
                                                                   mediaAddress: "127.0.0.1", codecs: [.opus], autoAnswer: false))
        try client.start()
        defer { Task { await client.shutdown() } }
        let call = try client.dial("sip:agent@127.0.0.1:\(port)")
        var connected = false
        for await event in client.events {
            if case .connected = event { connected = true; break }
            if case .ended = event { break }
        }
        try #require(connected)
        let line = CallerLine()
        let audio = Task { try await line.run(call) }
        defer { line.stop.withLock { $0 = true } }

        // After the greeting, the caller asks for a person.
        let listed = try await TmuxHarness.waitForInBackground("● live", in: session, seconds: 30)
        #expect(listed.contains("sip:127.0.0.1:\(clientPort)"), "the call is listed by its caller:\n\(listed)")
        _ = try await TmuxHarness.waitForInBackground("How can I help you today?", in: session, seconds: 40)
        #expect(try await line.waitForSilence(), "the greeting never ended")
        let callerVoice = try FliteSynthesizer(voice: "rms")
        var question: [AudioFrame] = []
        for try await f in try callerVoice.synthesize("I want to speak to a human please.", rate: .hz16000).frames { question.append(f) }
        line.say(question)

        let alert = try await TmuxHarness.waitForInBackground("WAITING FOR A HUMAN", in: session, seconds: 40)
        #expect(alert.contains("wants a human"), "the alert line is shown:\n\(alert)")
        #expect(alert.contains("the caller asked for a human"), "with the agent's handoff summary:\n\(alert)")
        #expect(alert.contains("⚠ HUMAN?"), "the call is highlighted in the list:\n\(alert)")
        #expect(alert.contains("t take the call"), "\(alert)")

        // The operator takes the call: from here on the caller hears the operator's WAV.
        let before = line.heard.value.count
        try TmuxHarness.run(["send-keys", "-t", session, "t"])
        let taken = try await TmuxHarness.waitForInBackground("● TAKEN", in: session, seconds: 20)
        #expect(taken.contains("HUMAN"), "\(taken)")
        #expect(!taken.contains("WAITING FOR A HUMAN"), "taking the call clears the alert:\n\(taken)")
        let humanLine = try await TmuxHarness.waitForInBackground("\nhuman  ", in: session, seconds: 30)
        #expect(humanLine.contains("\nhuman  "), "the operator's words are transcribed as the human side:\n\(humanLine)")
        #expect(try await line.waitForHeard(before + 16000 * 4), "four seconds of the call after the takeover")
        let after = line.heard.value.dropFirst(before)
        let found = SignalAlignment.locate(Array(operatorSamples.prefix(16000)), in: Array(after))
        #expect(found.correlation > 0.6, "the operator's voice reached the caller over RTP: correlation \(found.correlation)")

        // Handed back, the agent speaks to the caller again.
        try TmuxHarness.run(["send-keys", "-t", session, "t"])
        let back = try await TmuxHarness.waitForInBackground("handed back to the agent", in: session, seconds: 20)
        #expect(back.contains("● live"), "\(back)")

        // The caller hangs up: the call is listed as ended and q quits at once.
        line.stop.withLock { $0 = true }
        _ = try? await audio.value
        call.hangUp()
        let ended = try await TmuxHarness.waitForInBackground("■ ended", in: session, seconds: 20)
        #expect(ended.contains("■ ended"), "\(ended)")
        try TmuxHarness.run(["send-keys", "-t", session, "q"])
        #expect(try TmuxHarness.waitForExit(session, seconds: 20), "serve did not exit after q with no live call")
    }
}
