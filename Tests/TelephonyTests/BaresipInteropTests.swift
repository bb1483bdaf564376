import Agent
import Audio
import Foundation
import RingsideCore
import Session
import Testing
import TestSupport
@testable import Telephony

/// Ringside against baresip, a real third-party softphone, over a veth pair into a network
/// namespace the test creates: both directions, PCMU and Opus, checked by what each side hears.
@Suite(.serialized) struct BaresipInteropTests {
    static let sentence = "please book an appointment for tuesday morning"
    static let keyWords = ["book", "appointment", "tuesday", "morning"]

    /// baresip answers and plays a flite sentence; Ringside transcribes what arrives over RTP.
    @Test(arguments: [MediaCodec.pcmu, .opus])
    func ringsideCallsBaresipAndHearsIt(codec: MediaCodec) async throws {
        guard let (baresip, namespace) = try Self.prepare() else { return }
        defer { namespace.remove() }
        let dir = try TestPaths.temporaryDirectory("ringside-baresip-wav")
        let wav = dir.appendingPathComponent("sentence.wav")
        let rate = Self.fileRate(codec)
        try await InteropSpeech.writeSentence(Self.sentence, to: wav, rate: rate)
        let peer = try BaresipPeer(executable: baresip, namespace: namespace, playing: wav, wavRate: rate.hertz, codec: codec.rawValue)
        defer { peer.stop() }

        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: namespace.hostAddress, port: 0),
                                                                  mediaAddress: namespace.hostAddress, codecs: [codec]))
        let log = PhoneEventLog(phone)
        try phone.start()
        #expect(await peer.waitUntilListening(phone.agent), "baresip never answered OPTIONS; its log:\n\(peer.log)")
        let call = try phone.dial(peer.uri)
        let connected = await log.waitFor(10) { $0.connectedCall != nil || $0.endedReason != nil }
        guard case let .connected(_, agreed)? = connected else {
            Issue.record("the call did not connect: \(String(describing: connected)); baresip's log:\n\(peer.log)")
            await phone.shutdown()
            return
        }
        #expect(agreed == codec)

        // Everything baresip sends until it hangs up at the end of its file (bounded: 15 s of audio).
        var heard: [Int16] = []
        for _ in 0..<750 where log.all.allSatisfy({ $0.endedReason == nil }) {
            guard let frame = try? await call.media.source.nextFrameAsync() else { break }
            heard += frame.samples
        }
        #expect(await log.waitFor(5) { $0.endedReason != nil }?.endedReason == "remote hung up", "baresip hangs up when its file ends")
        let text = try await InteropSpeech.transcribe(heard, rate: phone.configuration.rate.hertz, narrowband: codec != .opus)
        let found = InteropSpeech.found(Self.keyWords, in: text)
        #expect(found.count >= 3, "over \(codec.encodingName) Ringside heard: \"\(text)\"")
        await phone.shutdown()
    }

    /// baresip calls `serve`: the agent hears baresip's question and answers it with its tool, and
    /// baresip's recording of the call holds the agent's words.
    @Test(arguments: [MediaCodec.pcmu, .opus])
    func baresipCallsTheAgent(codec: MediaCodec) async throws {
        guard let (baresip, namespace) = try Self.prepare() else { return }
        defer { namespace.remove() }
        let port = try UDPSocket(address: namespace.hostAddress, port: 0).local.port
        let serverPhone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: namespace.hostAddress, port: port),
                                                                        mediaAddress: namespace.hostAddress, codecs: [.opus, .pcmu, .pcma],
                                                                        autoAnswer: true))
        try serverPhone.start()
        let served = LockedValue<AgentCallServer.ServedCall?>(nil)
        let server = AgentCallServer(phone: serverPhone, agentDirectory: TestPaths.repository.appendingPathComponent("sample-calls/clinic"),
                                     recordRoot: nil, approvalMode: .denyAll) { call in served.withLock { $0 = call } }
        let serving = Task { await server.run() }

        // The question comes after the disclosure and greeting (about 7 s), then silence for the answer.
        let dir = try TestPaths.temporaryDirectory("ringside-baresip-wav")
        let wav = dir.appendingPathComponent("question.wav")
        let rate = Self.fileRate(codec)
        try await InteropSpeech.writeSentence("What are your opening hours?", to: wav, rate: rate, leading: 9, trailing: 12)
        let peer = try BaresipPeer(executable: baresip, namespace: namespace, playing: wav, wavRate: rate.hertz, codec: codec.rawValue,
                                   dial: "sip:agent@\(namespace.hostAddress):\(port)")
        defer { peer.stop() }

        func answered() -> Bool {
            served.value?.call.bus.events.contains { if case let .toolFinished(t) = $0.payload { return t.tool == "opening_hours" } else { return false } } ?? false
        }
        // Bounded: 40 s for the whole exchange (the question is heard about 10 s in).
        for _ in 0..<400 where !answered() && !peer.hasExited { try await Task.sleep(nanoseconds: 100_000_000) }
        let agentEvents = served.value?.call.bus.events ?? []
        let callerSaid = agentEvents.compactMap { e -> String? in if case let .finalTranscript(.caller, t, _) = e.payload { return t }; return nil }
        #expect(served.value != nil, "baresip's call never reached the agent; its log:\n\(peer.log)")
        #expect(answered(), "the agent heard: \(callerSaid)")
        if let call = served.value?.call, case let .sipState(state)? = call.bus.events.first(where: { if case .sipState = $0.payload { return true }; return false })?.payload {
            #expect(state == .connected(codec: codec.encodingName, peer: state.peer), "negotiated: \(state)")
        }
        peer.stop()
        let audio = try #require(try peer.heardAudio(), "baresip wrote no recording; its log:\n\(peer.log)")
        let text = try await InteropSpeech.transcribe(audio.mono(), rate: audio.sampleRate)
        // Words of the disclosure, the greeting and the answer (Monday to Friday…): at least two must be heard.
        let words = ["hello", "clinic", "automated", "assistant", "recorded", "help", "today", "open", "monday", "friday"]
        #expect(InteropSpeech.found(words, in: text).count >= 2, "baresip heard: \"\(text)\"")
        await serverPhone.shutdown()
        serving.cancel()
    }

    /// baresip's path and a fresh namespace for it; nil, with the reason recorded, when baresip is missing.
    static func prepare() throws -> (String, TestNetworkNamespace)? {
        guard let baresip = TestPaths.executable("baresip") else {
            Issue.record("baresip is not installed (Debian package baresip); CI installs it")
            return nil
        }
        return (baresip, try TestNetworkNamespace())
    }

    /// The rate of the WAV baresip plays: 8 kHz for G.711, so baresip does not resample it itself.
    static func fileRate(_ codec: MediaCodec) -> SampleRate { codec == .opus ? .hz16000 : .hz8000 }
}
