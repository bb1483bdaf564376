import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// `ringside call` as a person uses it, in a real terminal against an agent server on 127.0.0.1: digit
/// keys reach the agent as RFC 4733 DTMF, `H` holds and resumes with re-INVITEs, `X` (Shift-x) hangs up with a BYE.
@Suite(.serialized) struct CallCommandTmuxTests {
    /// The clinic agent answering SIP calls on a free loopback port, in this process.
    struct AgentServer {
        let port: UInt16
        let phone: SIPPhone
        let served = LockedValue<AgentCallServer.ServedCall?>(nil)
        let serving: Task<Void, Never>

        init() throws {
            port = try #require(ServeTests.freePort())
            phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: port),
                                                                  mediaAddress: "127.0.0.1", codecs: [.opus, .pcmu], autoAnswer: true))
            try phone.start()
            let served = self.served
            let server = AgentCallServer(phone: phone, agentDirectory: TestPaths.repository.appendingPathComponent("sample-calls/clinic"),
                                         recordRoot: nil, approvalMode: .denyAll) { call in served.withLock { $0 = call } }
            serving = Task { await server.run() }
        }

        func stop() {
            serving.cancel()
            let phone = self.phone
            Task { await phone.shutdown() }
        }
    }

    @Test(.enabled(if: TmuxHarness.available, "needs tmux and a built ringside"))
    func softphoneKeysSendDTMFHoldAndHangUp() async throws {
        let dir = try TestPaths.temporaryDirectory("call-keys")
        let silence = dir.appendingPathComponent("silence.wav").path
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: [Int16](repeating: 0, count: 16000 * 90)), to: silence)

        let agent = try AgentServer()
        defer { agent.stop() }
        let port = agent.port, served = agent.served

        let session = "call-keys"
        let command = "env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes \(TmuxHarness.binary) call "
            + "sip:agent@127.0.0.1:\(port) --input \(silence) --output \(dir.path)/heard.wav --no-record"
        try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", command])
        defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }
        _ = try await TmuxHarness.waitForInBackground("0-9*# DTMF", in: session, seconds: 60)
        // Each text waited for on its own: a capture may catch the terminal between two parts of a redraw.
        let screen = try await TmuxHarness.waitForInBackground("X hang up", in: session, seconds: 20)
        #expect(screen.contains("X hang up"), "the softphone's keys are in the footer:\n\(screen)")
        let call = try #require(await wait(60) { served.value }, "the agent server never got the call")

        func events() -> [CallEventPayload] { call.call.bus.events.map(\.payload) }
        try TmuxHarness.run(["send-keys", "-t", session, "4", "2", "#"])
        let digits = await wait(20) { () -> [String]? in
            let d = events().compactMap { p -> String? in if case let .dtmf(d) = p { return d } else { return nil } }
            return d.count >= 3 ? d : nil
        }
        #expect(digits == ["4", "2", "#"], "the agent received \(String(describing: digits))")

        try TmuxHarness.run(["send-keys", "-t", session, "H"])
        _ = try await TmuxHarness.waitForInBackground("ON HOLD", in: session, seconds: 20)
        let held = try await TmuxHarness.waitForInBackground("H resume", in: session, seconds: 20)
        #expect(held.contains("H resume"), "\(held)")
        let holdSeen = await wait(20) { events().contains { if case .sipState(.onHold) = $0 { return true } else { return false } } ? true : nil }
        #expect(holdSeen == true, "the agent's side saw the re-INVITE putting it on hold")
        try TmuxHarness.run(["send-keys", "-t", session, "H"])
        let resumed = await wait(20) { events().contains { $0 == .sipState(.resumed) } ? true : nil }
        #expect(resumed == true, "and the one resuming")

        try TmuxHarness.run(["send-keys", "-t", session, "X"])
        #expect(try TmuxHarness.waitForExit(session, seconds: 20), "X hung up and ended ringside call")
        let ended = await wait(20) { events().contains { if case .callEnded = $0 { return true } else { return false } } ? true : nil }
        #expect(ended == true, "the agent's call ended with the BYE")
    }

    /// Polls `value` every 50 ms until it is non-nil or `seconds` pass.
    func wait<T>(_ seconds: Double, _ value: () -> T?) async -> T? {
        for _ in 0..<Int(seconds * 20) {
            if let v = value() { return v }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return nil
    }

    /// With a real microphone and speaker, `call` cancels the agent's echo (module-echo-cancel), and Ctrl-C
    /// hangs up with a BYE (the agent's side ends at once, not by RTP timeout) and unloads the canceller.
    @Test func callCancelsEchoAndCtrlCHangsUp() async throws {
        let pulse = try PrivatePulseDaemon.start()
        let agent = try AgentServer()
        defer { agent.stop() }
        let port = agent.port, served = agent.served
        let dir = try TestPaths.temporaryDirectory("call-aec")
        let out = dir.appendingPathComponent("stdout.txt").path
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let child = try ChildProcess.spawn(TmuxHarness.binary, ["call", "sip:agent@127.0.0.1:\(port)", "--no-tui", "--no-record",
                                                                "--mic", pulse.micSourceName, "--speaker", pulse.speakerSinkName],
                                           environment: ["PULSE_SERVER": pulse.server], stdout: fd, stderr: fd)
        close(fd)
        let call = try #require(await wait(60) { served.value }, "the agent server never got the call")
        _ = await wait(30) { call.call.bus.events.contains { if case .playoutStarted = $0.payload { return true } else { return false } } ? true : nil }
        let modules = try PulseModules.list(server: pulse.server)
        #expect(modules.contains { $0.name == "module-echo-cancel" }, "the canceller is loaded during the call")

        child.signal(SIGINT)
        #expect(child.wait() == 0, "ringside call exits cleanly on Ctrl-C")
        let ended = await wait(10) { () -> String? in
            for e in call.call.bus.events { if case let .sipState(.ended(reason)) = e.payload { return reason } }
            return nil
        }
        #expect(ended != nil && ended?.contains("RTP") != true, "the agent's side saw the BYE: \(String(describing: ended))")
        let printed = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        #expect(printed.contains("echo cancelling: on (module-echo-cancel"), "\(printed)")
        #expect(printed.contains("call ended: hung up by the user"), "\(printed)")
        #expect(try !PulseModules.list(server: pulse.server).contains { $0.name == "module-echo-cancel" }, "the canceller is unloaded")
    }
}
