import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// The operator's own microphone and speaker during a supervised takeover, on a real PulseAudio daemon
/// (`--mic` a null sink's monitor the test speaks into, `--speaker` a null sink whose monitor the test
/// listens to): taken over, the operator's voice reaches the caller and the caller's reaches the
/// operator's speaker; handed back, the speaker hears the caller no more.
@Suite(.serialized) struct SuperviseOperatorAudioTests {
    /// Reads `count` frames of what plays on the operator's speaker (its sink's monitor), from now on.
    static func listen(to ear: PulseCapture, frames count: Int) throws -> [Int16] {
        while (try? ear.pollFrame()) != nil {}  // what was captured before now is not wanted
        var heard: [Int16] = []
        for _ in 0..<count { if let f = try ear.nextFrame() { heard += f.samples } else { break } }
        return heard
    }

    @Test func theOperatorsMicrophoneReachesTheCallerAndTheCallerTheirSpeaker() async throws {
        let daemon = try PrivatePulseDaemon.start()
        let (agentPhone, agentLog) = try SuperviseTests.answering()
        let supervisor = try SuperviseTests.Supervisor(
            agentURI: "sip:agent@127.0.0.1:\(agentPhone.agent.localPort)",
            ["--no-record", "--server", daemon.server, "--mic", daemon.micSourceName, "--speaker", daemon.speakerSinkName])
        defer { supervisor.stop() }
        let (callerPhone, _, call) = try await SuperviseTests.bridged(through: supervisor, agentLog, callerCodecs: [.pcmu])
        let ear = try PulseCapture(options: PulseStreamOptions(server: daemon.server, device: daemon.speakerSinkName + ".monitor", rate: .hz16000,
                                                               bufferMilliseconds: 40, streamName: "test operator ear"),
                                   clock: MonotonicClock(), ringFrames: 1000)
        ear.start()
        defer { ear.close() }
        let mouth = try PulsePlayback(options: PulseStreamOptions(server: daemon.server, device: daemon.micSinkName, rate: .hz16000,
                                                                  bufferMilliseconds: 40, streamName: "test operator mouth"),
                                      clock: MonotonicClock())
        mouth.start()
        defer { try? mouth.close() }

        // The caller listens from now on, as a phone does (audio it did not play would pile up in its buffer).
        let operatorSpeech = try SuperviseTests.speech("This is a person from the clinic taking over your call now. Please hold on a moment while I look.", voice: "awb")
        let listening = Task { try await SuperviseTests.listen(call, frames: operatorSpeech.count + 400) }
        supervisor.send("t")
        #expect(await supervisor.waitForLine(5) { $0["kind"] as? String == "takeover" } != nil, "\(supervisor.output)")

        // The operator speaks into the microphone; the caller hears it.
        let speaking = SuperviseTests.play(operatorSpeech, into: mouth)
        let heard = try await listening.value
        #expect(speaking.wait(timeout: .now() + 5) == .success)
        // A second from the sentence's second half.
        let said = operatorSpeech.flatMap(\.samples)
        let spoken = SignalAlignment.locate(Array(said[said.count / 2..<said.count / 2 + 16000]), in: heard)
        print("operator's microphone at the caller: correlation \(String(format: "%.3f", spoken.correlation)); the caller's playout \(call.media.playout)")
        #expect(spoken.correlation > 0.3, "the operator's microphone at the caller: correlation \(spoken.correlation) \(supervisor.log)")
        // The operator began speaking the moment the takeover was announced: the beginning arrives whole
        // too (the microphone is open before the takeover is, not when the bridge first reads it).
        let onset = try #require(said.firstIndex { abs(Int($0)) > 1000 })
        let first = SignalAlignment.locate(Array(said[onset..<onset + 16000]), in: heard)
        let opening = SignalAlignment.locate(Array(said[onset..<onset + 4800]), in: heard)
        print("the operator's first second at the caller: correlation \(String(format: "%.3f", first.correlation)), first 300 ms \(String(format: "%.3f", opening.correlation)); lags \(first.lag) \(opening.lag) \(spoken.lag)")
        // (Opened at the bridge's first read, the device's start held the bridge up and the caller's phone
        // dropped the burst that followed: 0.39 and 0.64 measured once, where the opening now measures 0.99.
        // A frame still goes missing now and then under load, which a whole second's correlation feels: 0.53–0.90;
        // the first 300 ms measured 0.59 once in a fresh-clone CI run (a frame lost in them, load 2 cores busy) —
        // the loss under load is not fixed, so the bound is what a dropped opening burst cannot reach.)
        #expect(first.correlation > 0.4, "the operator's first second at the caller: correlation \(first.correlation)")
        #expect(opening.correlation > 0.5, "the operator's first 300 ms at the caller: correlation \(opening.correlation)")

        // The caller speaks; the operator's speaker plays it.
        let question = try SuperviseTests.speech("Could you tell me whether the doctor can see me tomorrow morning?", voice: "rms")
        let asking = SuperviseTests.play(question, into: call.media.sink)
        let onSpeaker = try Self.listen(to: ear, frames: question.count + 100)
        #expect(asking.wait(timeout: .now() + 5) == .success)
        let probe = Array(question.flatMap(\.samples)[8000..<24000])
        let found = SignalAlignment.locate(probe, in: onSpeaker)
        print("the caller on the operator's speaker: correlation \(String(format: "%.3f", found.correlation))")
        #expect(found.correlation > 0.3, "the caller on the operator's speaker: correlation \(found.correlation)")

        // Handed back: the caller speaks to the agent again, not to the operator's speaker.
        supervisor.send("t")
        #expect(await supervisor.waitForLine(5) { $0["kind"] as? String == "handback" } != nil, "\(supervisor.output)")
        print(supervisor.log.split(separator: "\n").filter { $0.contains("handed back") }.joined(separator: "\n"))
        let again = SuperviseTests.play(question, into: call.media.sink)
        let afterHandback = try Self.listen(to: ear, frames: question.count + 50)
        #expect(again.wait(timeout: .now() + 5) == .success)
        #expect(AudioLevel(samples: afterHandback).peak < 0.01, "the speaker still plays the caller after the handback")
        call.hangUp()
        await callerPhone.shutdown()
        await agentPhone.shutdown()
    }
}
