import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

extension PhoneEvent {
    var connectedCall: PhoneCall? { if case let .connected(c, _) = self { return c } else { return nil } }
    var incomingCall: PhoneCall? { if case let .incoming(c) = self { return c } else { return nil } }
    var endedReason: String? { if case let .ended(_, r) = self { return r } else { return nil } }
    var digit: Character? { if case let .dtmf(_, d) = self { return d } else { return nil } }
}

@Suite(.serialized) struct SIPPhoneTests {
    static func phone(autoAnswer: Bool, codecs: [MediaCodec] = [.opus, .pcmu, .pcma]) throws -> (SIPPhone, PhoneEventLog) {
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: codecs, autoAnswer: autoAnswer))
        let log = PhoneEventLog(phone)
        try phone.start()
        return (phone, log)
    }

    @Test func dialAutoAnsweringPhoneToneDTMFAndHangUp() async throws {
        let (server, serverLog) = try Self.phone(autoAnswer: true, codecs: [.pcmu, .opus])
        let (client, clientLog) = try Self.phone(autoAnswer: false)
        let outgoing = try client.dial("sip:agent@127.0.0.1:\(server.agent.localPort)")
        let connected = try #require(await clientLog.waitFor { $0.connectedCall != nil })
        guard case let .connected(_, codec) = connected else { return }
        #expect(codec == .opus)  // the caller's preference wins
        let inbound = try #require(await serverLog.waitFor { $0.connectedCall != nil }?.connectedCall)

        let done = playTone(into: outgoing.media.sink, frequency: 1000, seconds: 0.8)
        let heard = try toneFrames(from: inbound.media.source, count: 40, frequency: 1000)
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(heard.filter { $0 }.count >= 25)

        outgoing.sendDTMF("4")
        outgoing.sendDTMF("2")
        for _ in 0..<100 where serverLog.all.compactMap(\.digit).count < 2 { _ = try inbound.media.source.nextFrame() }
        #expect(String(serverLog.all.compactMap(\.digit)) == "42")
        #expect(serverLog.all.compactMap(\.callEventPayload).contains(.dtmf(digit: "4")))

        inbound.hangUp()
        #expect(await clientLog.waitFor { $0.endedReason != nil }?.endedReason == "remote hung up")
        #expect(await serverLog.waitFor { $0.endedReason != nil }?.endedReason == "hung up")
        await client.shutdown()
        await server.shutdown()
    }

    @Test func holdAndResume() async throws {
        let (server, serverLog) = try Self.phone(autoAnswer: true, codecs: [.pcmu])
        let (client, clientLog) = try Self.phone(autoAnswer: false, codecs: [.pcmu])
        let call = try client.dial("sip:agent@127.0.0.1:\(server.agent.localPort)")
        #expect(await clientLog.waitFor { $0.connectedCall != nil } != nil)
        #expect(await serverLog.waitFor { $0.connectedCall != nil } != nil)
        func directions(_ log: PhoneEventLog) -> [MediaDirection] {
            log.all.compactMap { if case let .mediaChanged(_, d) = $0 { return d } else { return nil } }
        }
        try client.hold(call)
        #expect(await clientLog.waitFor { if case .mediaChanged = $0 { return true } else { return false } } != nil)
        #expect(await serverLog.waitFor { if case .mediaChanged = $0 { return true } else { return false } } != nil)
        #expect(directions(clientLog) == [.sendonly])
        #expect(directions(serverLog) == [.recvonly])
        #expect(call.negotiated?.direction == .sendonly)
        try client.resume(call)
        _ = await clientLog.waitFor { _ in directions(clientLog).count == 2 }
        _ = await serverLog.waitFor { _ in directions(serverLog).count == 2 }
        #expect(directions(clientLog) == [.sendonly, .sendrecv])
        #expect(directions(serverLog) == [.recvonly, .sendrecv])
        #expect(serverLog.all.compactMap(\.callEventPayload).contains(.sipState(.onHold(direction: .recvonly))))
        call.hangUp()
        #expect(await serverLog.waitFor { $0.endedReason != nil }?.endedReason == "remote hung up")
        await client.shutdown()
        await server.shutdown()
    }

    @Test func manualAnswerAndNoCommonCodec() async throws {
        let (callee, calleeLog) = try Self.phone(autoAnswer: false, codecs: [.pcma])
        let (caller, callerLog) = try Self.phone(autoAnswer: false, codecs: [.pcmu, .pcma])
        let call = try caller.dial("sip:human@127.0.0.1:\(callee.agent.localPort)")
        let ringing = await callerLog.waitFor { if case .ringing(_, 180) = $0 { return true } else { return false } }
        #expect(ringing != nil)
        let incoming = try #require(await calleeLog.waitFor { $0.incomingCall != nil }?.incomingCall)
        try callee.answer(incoming)
        guard case let .connected(_, codec) = try #require(await callerLog.waitFor { $0.connectedCall != nil }) else { return }
        #expect(codec == .pcma)
        call.hangUp()
        #expect(await calleeLog.waitFor { $0.endedReason != nil }?.endedReason == "remote hung up")

        // Opus-only against PCMA-only: declined with 488 before anything rings.
        let (opusOnly, opusLog) = try Self.phone(autoAnswer: false, codecs: [.opus])
        _ = try opusOnly.dial("sip:human@127.0.0.1:\(callee.agent.localPort)")
        #expect(await opusLog.waitFor { $0.endedReason != nil }?.endedReason == "488 Not Acceptable Here")
        await opusOnly.shutdown()
        await caller.shutdown()
        await callee.shutdown()
    }
}
