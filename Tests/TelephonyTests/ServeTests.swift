import Agent
import Audio
import Foundation
import RingsideCore
import Session
import Speech
import Testing
import TestSupport
@testable import Telephony

/// Ringside calls Ringside: a SIP phone dials the agent server on 127.0.0.1, hears the greeting over
/// RTP, asks a question with a synthesised voice, and the agent answers using its tool.
@Suite(.serialized) struct ServeTests {
    @Test(arguments: [MediaCodec.opus, .pcmu])
    func agentAnswersASIPCall(codec: MediaCodec) async throws {
        let serverPort = try #require(Self.freePort()), clientPort = try #require(Self.freePort(excluding: serverPort))
        let serverPhone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: serverPort),
                                                                        mediaAddress: "127.0.0.1", codecs: [.opus, .pcmu, .pcma], autoAnswer: true))
        try serverPhone.start()
        let served = LockedValue<AgentCallServer.ServedCall?>(nil)
        let greeted = LockedValue(false)
        let server = AgentCallServer(phone: serverPhone, agentDirectory: TestPaths.repository.appendingPathComponent("sample-calls/clinic"),
                                     recordRoot: nil, approvalMode: .denyAll) { call in
            served.withLock { $0 = call }
            call.call.bus.observe { e in if e.turn == 0, case .playoutFinished = e.payload { greeted.withLock { $0 = true } } }
        }
        let serving = Task { await server.run() }

        let client = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: clientPort),
                                                                   mediaAddress: "127.0.0.1", codecs: [codec], autoAnswer: false))
        try client.start()
        let phoneCall = try client.dial("sip:agent@127.0.0.1:\(serverPort)")
        var connected = false
        for await event in client.events {
            if case .connected = event { connected = true; break }
            if case .ended = event { break }
        }
        #expect(connected)

        // Listen to the agent over RTP until the greeting has been played (bounded: 60 s of audio).
        var heard: [Int16] = []
        for _ in 0..<3000 where !greeted.value {
            if let f = try await phoneCall.media.source.nextFrameAsync() { heard += f.samples }
        }
        #expect(greeted.value, "the greeting never finished")
        #expect(AudioLevel(samples: heard).peak > 0.05, "the greeting reached the caller over RTP")

        // Ask a question in a synthesised voice, keep reading what comes back.
        let voice = try FliteSynthesizer(voice: "rms")
        var question: [AudioFrame] = []
        for try await f in try voice.synthesize("What are your opening hours?", rate: .hz16000).frames { question.append(f) }
        let silence = [AudioFrame](repeating: .silence(rate: .hz16000, at: .zero), count: 150)
        for frame in question + silence {
            try phoneCall.media.sink.write(frame)
            _ = try await phoneCall.media.source.nextFrameAsync()
        }
        let call = try #require(served.value).call
        var answered = false
        for _ in 0..<1000 where !answered {
            _ = try await phoneCall.media.source.nextFrameAsync()
            answered = call.bus.events.contains { if case let .toolFinished(t) = $0.payload { return t.tool == "opening_hours" } else { return false } }
        }
        #expect(answered, "agent events: \(call.bus.events.compactMap { e -> String? in if case let .finalTranscript(_, t, _) = e.payload { return t }; return nil })")
        phoneCall.hangUp()
        await client.shutdown()
        await serverPhone.shutdown()
        serving.cancel()
    }

    static func freePort(excluding other: UInt16? = nil) -> UInt16? {
        for _ in 0..<200 {
            let p = UInt16.random(in: 20000...40000)
            if p != other, PortProbe.isFree(port: p, transport: .udp), PortProbe.isFree(port: p, transport: .tcp) { return p }
        }
        return nil
    }
}
