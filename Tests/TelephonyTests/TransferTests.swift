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
        let desk = try AnsweringCallee(supported: [.pcmu])
        let deskURI = "sip:desk@127.0.0.1:\(desk.agent.localPort)"
        let agent = try SIPClinic.transferring(to: deskURI, transfer: "refer")

        let serverPhone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu], autoAnswer: true))
        try serverPhone.start()
        let served = LockedValue<AgentCallServer.ServedCall?>(nil)
        let greeted = LockedValue(false)
        let server = AgentCallServer(phone: serverPhone, agentDirectory: agent, recordRoot: nil, approvalMode: .denyAll) { call in
            call.call.bus.observe { e in if e.turn == 0, case .playoutFinished = e.payload { greeted.withLock { $0 = true } } }
            served.withLock { $0 = call }
        }
        let serving = Task { await server.run() }

        let caller = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu]))
        let log = PhoneEventLog(caller)
        try caller.start()
        let first = try caller.dial("sip:agent@127.0.0.1:\(serverPhone.agent.localPort)")
        #expect(await log.waitFor { $0.connectedCall != nil || $0.endedReason != nil }?.connectedCall === first, "\(log.all)")
        for _ in 0..<1500 where !greeted.value { _ = try await first.media.source.nextFrameAsync() }  // ≤ 30 s of the greeting
        let call = try #require(served.value).call

        // The caller asks for a person (typed: this test is about the transfer, not about recognition).
        call.session.send(.typed("can I speak to a real person please"))
        let transferred = await log.waitFor(60) { if case .transferred = $0 { return true } else { return false } }
        guard case let .transferred(from, to) = transferred else {
            Issue.record("the caller was not transferred: \(log.all) / serve: \(call.bus.events.map(\.payload))")
            await Self.stop(caller, serverPhone, desk, serving)
            return
        }
        #expect(from === first)
        #expect(to.sip.remoteURI == deskURI)
        #expect(await desk.log.waitFor(15) { $0.isEstablished } != nil, "the target answered the transferred caller: \(desk.log.all) / caller: \(log.all)")
        #expect(await log.waitFor(15) { event in
            if case let .ended(c, _) = event { return c === first } else { return false }
        } != nil, "serve ended its own call once the target had answered")
        let states = call.bus.events.compactMap { e -> String? in if case let .sipState(s) = e.payload { return s }; return nil }
        #expect(states.contains("transferring to \(deskURI) (REFER)"), "\(states)")
        #expect(states.contains("transferred to \(deskURI)"), "\(states)")
        #expect(call.bus.events.contains { if case .escalated = $0.payload { return true } else { return false } })
        // The handoff line was heard before the REFER went.
        let payloads = call.bus.events
        let referAt = payloads.firstIndex { if case .sipState("transferring to \(deskURI) (REFER)") = $0.payload { return true } else { return false } }
        let handoffSaid = payloads.firstIndex { if case let .ttsRequested(text) = $0.payload { return text.contains("put you through") } else { return false } }
        #expect(handoffSaid != nil && referAt != nil && handoffSaid! < referAt!, "the handoff line came before the REFER")
        to.hangUp()
        await Self.stop(caller, serverPhone, desk, serving)
    }

    @Test func bridgeJoinsTheCallerAndTheTarget() async throws {
        let desk = try AnsweringCallee(supported: [.pcmu])
        let deskURI = "sip:desk@127.0.0.1:\(desk.agent.localPort)"
        let agent = try SIPClinic.transferring(to: deskURI, transfer: "bridge")
        let serverPhone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu], autoAnswer: true))
        try serverPhone.start()
        let served = LockedValue<AgentCallServer.ServedCall?>(nil)
        let greeted = LockedValue(false)
        let server = AgentCallServer(phone: serverPhone, agentDirectory: agent, recordRoot: nil, approvalMode: .denyAll) { call in
            call.call.bus.observe { e in if e.turn == 0, case .playoutFinished = e.payload { greeted.withLock { $0 = true } } }
            served.withLock { $0 = call }
        }
        let serving = Task { await server.run() }
        let caller = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu]))
        let log = PhoneEventLog(caller)
        try caller.start()
        let first = try caller.dial("sip:agent@127.0.0.1:\(serverPhone.agent.localPort)")
        #expect(await log.waitFor { $0.connectedCall != nil || $0.endedReason != nil }?.connectedCall === first, "\(log.all)")
        for _ in 0..<1500 where !greeted.value { _ = try await first.media.source.nextFrameAsync() }
        let call = try #require(served.value).call
        call.session.send(.typed("can I speak to a real person please"))

        // Serve calls the desk itself; once it answers, the two calls are joined.
        #expect(await desk.log.waitFor(60) { $0.isEstablished } != nil, "serve never reached the desk: \(call.bus.events.map(\.payload))")
        let bridged: () -> Bool = {
            call.bus.events.contains { if case let .sipState(s) = $0.payload { return s.hasPrefix("bridged to ") } else { return false } }
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
        await Self.stop(caller, serverPhone, desk, serving)
    }

    static func stop(_ caller: SIPPhone, _ server: SIPPhone, _ desk: AnsweringCallee, _ serving: Task<Void, Never>) async {
        await caller.shutdown()
        await server.shutdown()
        desk.allMedia.forEach { $0.stop() }
        await desk.agent.shutdown()
        serving.cancel()
    }
}
