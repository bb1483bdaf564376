import Agent
import Audio
import Foundation
import RingsideCore
import Session
import Testing
import TestSupport
@testable import Telephony

/// The agent hands a served caller on (`escalation: {target, transfer: refer}`): serve sends the caller
/// a REFER, Ringside's own caller follows it to the target, and serve ends its call when the NOTIFY says
/// the target answered. Everything on 127.0.0.1; the target is a local callee, never the clinic's real desk.
@Suite(.serialized) struct TransferTests {
    @Test func referHandsTheCallerToTheTarget() async throws {
        let scene = try await TransferScene(transfer: "refer")
        let (desk, deskURI, log, first, call) = (scene.desk, scene.deskURI, scene.log, scene.first, scene.call)
        let transferred = await log.waitFor(60) { if case .transferred = $0 { return true } else { return false } }
        guard case let .transferred(from, to) = transferred else {
            Issue.record("the caller was not transferred: \(log.all) / serve: \(call.bus.events.map(\.payload))")
            await scene.stop()
            return
        }
        #expect(from === first)
        #expect(to.sip.remoteURI == deskURI)
        #expect(await desk.log.waitFor(15) { $0.isEstablished } != nil, "the target answered the transferred caller: \(desk.log.all) / caller: \(log.all)")
        #expect(await log.waitFor(15) { event in
            if case let .ended(c, _) = event { return c === first } else { return false }
        } != nil, "serve ended its own call once the target had answered")
        let states = call.bus.events.compactMap { e -> SIPState? in if case let .sipState(s) = e.payload { return s }; return nil }
        #expect(states.contains(.transferring(target: deskURI, method: .refer)), "\(states)")
        #expect(states.contains(.transferred(to: deskURI)), "\(states)")
        #expect(call.bus.events.contains { if case .escalated = $0.payload { return true } else { return false } })
        // The handoff line was heard before the REFER went.
        let payloads = call.bus.events
        let referAt = payloads.firstIndex { $0.payload == .sipState(.transferring(target: deskURI, method: .refer)) }
        let handoffSaid = payloads.firstIndex { if case let .ttsRequested(text) = $0.payload { return text.contains("put you through") } else { return false } }
        #expect(handoffSaid != nil && referAt != nil && handoffSaid! < referAt!, "the handoff line came before the REFER")
        to.hangUp()
        await scene.stop()
    }

    @Test func bridgeJoinsTheCallerAndTheTarget() async throws {
        let scene = try await TransferScene(transfer: "bridge")
        let (desk, first, call) = (scene.desk, scene.first, scene.call)

        // Serve calls the desk itself; once it answers, the two calls are joined.
        #expect(await desk.log.waitFor(60) { $0.isEstablished } != nil, "serve never reached the desk: \(call.bus.events.map(\.payload))")
        let bridged: () -> Bool = {
            call.bus.events.contains { if case .sipState(.bridged) = $0.payload { return true } else { return false } }
        }
        for _ in 0..<500 where !bridged() { _ = try await first.media.source.nextFrameAsync() }  // ≤ 10 s
        #expect(bridged(), "\(call.bus.events.map(\.payload))")
        let deskMedia = try #require(desk.allMedia.first)

        // A tone from each side reaches the other (the agent is silent, so what is heard is the other party).
        let tone = Signals.sine(frequency: 700, sampleRate: 16000, seconds: 2, amplitude: 0.5)
        var callerHeard: Float = 0, deskHeard: Float = 0
        for i in stride(from: 0, to: tone.count - 320, by: 320) {
            let frame = AudioFrame(rate: .hz16000, samples: Array(tone[i..<(i + 320)]), timestamp: .zero)
            try deskMedia.sink.write(frame)
            try first.media.sink.write(frame)
            if let f = try await first.media.source.nextFrameAsync() { callerHeard = max(callerHeard, Float(AudioLevel(frame: f).peak)) }
            if let f = try await deskMedia.source.nextFrameAsync() { deskHeard = max(deskHeard, Float(AudioLevel(frame: f).peak)) }
        }
        #expect(callerHeard > 0.2, "the caller heard the desk: peak \(callerHeard)")
        #expect(deskHeard > 0.2, "the desk heard the caller: peak \(deskHeard)")

        // The caller hangs up: serve hangs up the desk too.
        first.hangUp()
        #expect(await desk.log.waitFor(15) { $0.endReason != nil }?.endReason == "remote hung up")
        await scene.stop()
    }

    /// `ringside call` follows a REFER from the far end: its audio (a tone from --input) moves to the new call.
    @Test func callCommandFollowsAREFER() async throws {
        let agent = try AnsweringCallee(supported: [.pcmu]), desk = try AnsweringCallee(supported: [.pcmu])
        let deskURI = "sip:desk@127.0.0.1:\(desk.agent.localPort)"
        let tone = try TestPaths.temporaryDirectory("ringside-call-refer").appendingPathComponent("tone.wav")
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: Signals.sine(frequency: 700, sampleRate: 16000, seconds: 40, amplitude: 0.5)),
                      to: tone.path)
        let call = try RingsideProcess(["call", "sip:agent@127.0.0.1:\(agent.agent.localPort)", "--codecs", "pcmu", "--input", tone.path,
                                        "--output", tone.deletingLastPathComponent().appendingPathComponent("heard.wav").path, "--no-tui"])
        defer { call.stop() }
        guard let first = await agent.log.waitFor(20, { $0.isEstablished })?.call else {
            Issue.record("ringside call did not connect: \(call.errorOutput)")
            return
        }
        try agent.agent.refer(first, to: deskURI)
        let established = await desk.log.waitFor(15) { $0.isEstablished }
        #expect(established != nil, "ringside call did not follow the REFER: \(call.output) \(call.errorOutput)")
        #expect(await agent.log.waitFor(10) { event in
            if case let .transferProgress(_, status, _) = event { return status == 200 } else { return false }
        } != nil, "the NOTIFY told the transferor that the target answered: \(agent.log.all)")
        // As the transferor would: hang up the old call. The caller's audio now goes to the desk.
        try agent.agent.hangUp(first)
        let deskMedia = try #require(desk.allMedia.first)
        var peak: Double = 0
        for _ in 0..<250 where peak < 0.2 {
            if let f = try await deskMedia.source.nextFrameAsync() { peak = max(peak, AudioLevel(frame: f).peak) }
        }
        #expect(peak > 0.2, "the desk heard the caller's tone after the transfer: peak \(peak)")
        #expect(!call.hasExited, "the old call's end did not end ringside call: exit \(String(describing: call.exitStatus.value)) \(call.output) \(call.errorOutput.suffix(1500))")
        // The desk hangs up: ringside call ends by itself.
        if let deskCall = established?.call { try desk.agent.hangUp(deskCall) }
        #expect(try await call.waitForExit(seconds: 15), "ringside call kept going after the desk hung up")
        #expect(call.output.contains("call ended"), "\(call.output)")
        deskMedia.stop()
        agent.allMedia.forEach { $0.stop() }
        await agent.agent.shutdown()
        await desk.agent.shutdown()
    }
}

/// A served clinic call whose agent hands callers to a local desk by `transfer`, with Ringside's own
/// caller connected, the greeting heard, and the caller having asked for a person (typed: these tests
/// are about the transfer, not about recognition).
struct TransferScene {
    let desk: AnsweringCallee
    let deskURI: String
    let serverPhone: SIPPhone
    let serving: Task<Void, Never>
    let caller: SIPPhone
    let log: PhoneEventLog
    let first: PhoneCall
    let call: EmbeddedCall

    init(transfer: String) async throws {
        desk = try AnsweringCallee(supported: [.pcmu])
        deskURI = "sip:desk@127.0.0.1:\(desk.agent.localPort)"
        let agent = try SIPClinic.transferring(to: deskURI, transfer: transfer)
        serverPhone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu], autoAnswer: true))
        try serverPhone.start()
        let served = LockedValue<AgentCallServer.ServedCall?>(nil)
        let greeted = LockedValue(false)
        let server = AgentCallServer(phone: serverPhone, agentDirectory: agent, recordRoot: nil, approvalMode: .denyAll) { call in
            call.call.bus.observe { e in if e.turn == 0, case .playoutFinished = e.payload { greeted.withLock { $0 = true } } }
            served.withLock { $0 = call }
        }
        serving = Task { await server.run() }
        caller = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu]))
        log = PhoneEventLog(caller)
        try caller.start()
        first = try caller.dial("sip:agent@127.0.0.1:\(serverPhone.agent.localPort)")
        let log = self.log, first = self.first
        try #require(await log.waitFor { $0.connectedCall != nil || $0.endedReason != nil }?.connectedCall === first, "\(log.all)")
        for _ in 0..<1500 where !greeted.value { _ = try await first.media.source.nextFrameAsync() }  // ≤ 30 s of the greeting
        call = try #require(served.value).call
        call.session.send(.typed("can I speak to a real person please"))
    }

    func stop() async {
        await caller.shutdown()
        await serverPhone.shutdown()
        desk.allMedia.forEach { $0.stop() }
        await desk.agent.shutdown()
        serving.cancel()
    }
}
