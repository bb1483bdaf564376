import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

@Suite(.serialized) struct SIPUserAgentTests {
    @Test func optionsIsAnswered() async throws {
        let a = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        let b = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        try a.start()
        try b.start()
        let response = try await a.options(uri: b.localURI)
        #expect(response.status == 200)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func manyProbesInARow() async throws {
        let a = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        let b = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        try a.start()
        try b.start()
        for _ in 0..<200 {
            let response = try await a.options(uri: b.localURI)
            #expect(response.status == 200)
        }
        await a.shutdown()
        await b.shutdown()
    }

    @Test func optionsToNobodyTimesOut() async throws {
        let a = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        try a.start()
        let silent = try UDPSocket(address: "127.0.0.1", port: 0)
        await #expect(throws: SIPError.self) { try await a.options(uri: "sip:127.0.0.1:\(silent.local.port)", timeout: 1) }
        await a.shutdown()
    }

    @Test func startFailsClearlyOnABusyPort() async throws {
        let a = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        try a.start()
        let b = SIPUserAgent(configuration: SIPConfiguration(port: a.localPort))
        #expect(throws: SIPError.self) { try b.start() }
        await a.shutdown()
    }

    @Test(arguments: [MediaCodec.pcmu, .opus])
    func ringsideCallsRingside(codec: MediaCodec) async throws {
        let callee = try AnsweringCallee(supported: [.opus, .pcmu, .pcma])
        let caller = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        let callerLog = SIPEventLog(caller)
        try caller.start()
        let media = try MediaSession()
        let offer = media.offer(codecs: [codec])
        let call = try caller.call(uri: "sip:agent@127.0.0.1:\(callee.agent.localPort)", sdp: offer.text)

        let answered = try #require(await callerLog.waitFor { $0.isAnswered && $0.call == call })
        guard case let .answered(_, answerText) = answered else { return }
        let negotiated = try SDPNegotiation.accept(answer: try SessionDescription(parsing: try #require(answerText)), offer: offer)
        #expect(negotiated.codec == codec)
        try media.start(media: negotiated)
        #expect(await callerLog.waitFor { $0.isEstablished } != nil)
        let incoming = try #require(await callee.log.waitFor { $0.isIncoming }?.call)
        #expect(await callee.log.waitFor { $0.isEstablished } != nil)
        let calleeMedia = try #require(callee.media(for: incoming.id))

        // Tone both ways over RTP.
        let up = playTone(into: media.sink, frequency: 1000, seconds: 1.0)
        let down = playTone(into: calleeMedia.sink, frequency: 1000, seconds: 1.0)
        let heardByCallee = try toneFrames(from: calleeMedia.source, count: 50, frequency: 1000)
        let heardByCaller = try toneFrames(from: media.source, count: 10, frequency: 1000)
        #expect(up.wait(timeout: .now() + 5) == .success)
        #expect(down.wait(timeout: .now() + 5) == .success)
        #expect(heardByCallee.filter { $0 }.count >= 35)
        #expect(heardByCaller.filter { $0 }.count >= 5)
        #expect(calleeMedia.statistics().received.codec == codec.encodingName)

        try caller.hangUp(call)
        #expect(await callerLog.waitFor { $0.endReason != nil }?.endReason == "hung up")
        #expect(await callee.log.waitFor { $0.endReason != nil }?.endReason == "remote hung up")
        media.stop()
        calleeMedia.stop()
        await caller.shutdown()
        await callee.agent.shutdown()
    }

    @Test func cancelWhileRinging() async throws {
        let callee = try AnsweringCallee(supported: [.pcmu], decision: .ring)
        let caller = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        let callerLog = SIPEventLog(caller)
        try caller.start()
        let call = try caller.call(uri: "sip:agent@127.0.0.1:\(callee.agent.localPort)",
                                   sdp: SessionDescription.offer(address: "127.0.0.1", port: 40000, codecs: [.pcmu]).text)
        let ringing = await callerLog.waitFor { if case .progress(_, 180, _, _) = $0 { return true } else { return false } }
        #expect(ringing != nil)
        try caller.hangUp(call)
        #expect(await callerLog.waitFor { $0.endReason != nil }?.endReason == "cancelled")
        #expect(await callee.log.waitFor { $0.endReason != nil }?.endReason == "caller cancelled")
        await caller.shutdown()
        await callee.agent.shutdown()
    }

    @Test func rejectAndCalleeHangsUp() async throws {
        let busy = try AnsweringCallee(supported: [.pcmu], decision: .reject(status: 486, phrase: "Busy Here"))
        let caller = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        let callerLog = SIPEventLog(caller)
        try caller.start()
        let offer = SessionDescription.offer(address: "127.0.0.1", port: 40000, codecs: [.pcmu]).text
        _ = try caller.call(uri: "sip:agent@127.0.0.1:\(busy.agent.localPort)", sdp: offer)
        #expect(await callerLog.waitFor { $0.endReason != nil }?.endReason == "486 Busy Here")
        await busy.agent.shutdown()

        // The callee ends an answered call with BYE.
        let callee = try AnsweringCallee(supported: [.pcmu])
        let media = try MediaSession()
        let call = try caller.call(uri: "sip:agent@127.0.0.1:\(callee.agent.localPort)", sdp: media.offer(codecs: [.pcmu]).text)
        let incoming = try #require(await callee.log.waitFor { $0.isEstablished }?.call)
        #expect(await callerLog.waitFor { $0.isEstablished && $0.call == call } != nil)
        try callee.agent.hangUp(incoming)
        #expect(await callerLog.waitFor { $0.endReason != nil && $0.call == call }?.endReason == "remote hung up")
        callee.allMedia.forEach { $0.stop() }
        await caller.shutdown()
        await callee.agent.shutdown()
    }
}
