import Agent
import Audio
import Foundation
import RingsideCore
import Speech
import Synchronization
import Testing
import TestSupport
@testable import Session

/// A far end that keeps every frame it is given, so a test can count what the caller was sent.
final class CountingSink: AudioSink, @unchecked Sendable {
    let rate: SampleRate = .hz16000
    let written = LockedValue<[MediaTime]>([])
    func write(_ frame: AudioFrame) throws { written.withLock { $0.append(frame.timestamp) } }
    func close() throws {}
}

@Suite(.serialized) struct BargeInTests {
    /// A virtual-time clinic call with flite's "awb" saying `lines`, the agent's frames going to `sink`; run to its end.
    static func clinicCall(_ lines: [SimulatedCaller.Line], sink: any AudioSink, callID: String) async throws -> EmbeddedCall {
        var options = EmbeddedCall.Options(agentDirectory: ClinicCallTests.clinic, callID: callID, clock: VirtualClock(), realtime: false,
                                           approvalMode: .denyAll)
        options.transcribeOperator = false
        let callerVoice = try FliteSynthesizer(voice: "awb")
        let call = try await EmbeddedCall.make(options, audio: .init(
            caller: { bus in SimulatedCaller(lines: lines, synthesizer: callerVoice, rate: .hz16000, bus: bus) }, farEnd: sink))
        await call.session.run()
        return call
    }

    @Test func callerSpeakingOverTheGreetingCancelsPlayoutAndReportsWhatWasHeard() async throws {
        let sink = CountingSink()
        let call = try await Self.clinicCall([.bargeIn("I want to cancel my appointment", afterMilliseconds: 1500)], sink: sink, callID: "barge")
        let events = call.bus.events

        let playout = try #require(events.first { $0.payload == .playoutStarted })
        let interruption = try #require(events.first { e in
            if case .speechStarted(.caller) = e.payload { return true } else { return false }
        })
        let barge = try #require(events.first { e in if case .bargeIn = e.payload { return true } else { return false } })
        guard case let .bargeIn(heardText, fraction) = barge.payload else { return }
        #expect(fraction > 0 && fraction < 0.6, "heard \(fraction) of the greeting")
        #expect(!heardText.isEmpty)
        #expect(heardText.count < "Hello, you're speaking with Riverside Clinic's automated assistant.".count * 2)

        // Nothing of the greeting was sent after the frame in which the caller was detected. The
        // speech-started event is stamped at the true onset; the detector confirms it `onsetFrames` later.
        let detected = interruption.time + .milliseconds(Double(EndpointDetector().onsetFrames) * 20)
        let written = sink.written.value
        let greetingFrames = written.filter { $0 < barge.time }
        let afterDetection = written.filter { $0 > detected + AudioFrame.duration && $0 < barge.time }
        #expect(afterDetection.isEmpty, "\(afterDetection.count) agent frames were sent after the caller cut in")

        // The heard fraction is the share of the greeting's frames actually sent (from its first sound:
        // the synthesiser's silent lead-in is skipped, never sent).
        let player = try FliteSynthesizer(voice: call.definition.voice)
        var total = 0
        for sentence in SentenceSplitterProbe.greetingSentences(call.definition) {
            let job = try player.synthesize(sentence, rate: .hz16000)
            for try await frame in job.frames where total > 0 || AudioLevel(frame: frame).isSound { total += 1 }
        }
        let sent = greetingFrames.filter { $0 >= playout.time - .milliseconds(40) }.count
        #expect(abs(fraction * Double(total) - Double(sent)) <= 1.0, "fraction \(fraction) × \(total) frames vs \(sent) sent")

        // The agent then answered the interruption (the caller asked to cancel).
        let decided = events.filter { e in if case .brainDecided = e.payload { return true } else { return false } }
        #expect(decided.count >= 2)
    }
}

/// The greeting as the agent speaks it: disclosure sentences, then the greeting's.
enum SentenceSplitterProbe {
    static func greetingSentences(_ agent: AgentDefinition) -> [String] {
        SentenceSplitter.split(agent.disclosure) + SentenceSplitter.split(agent.greeting)
    }
}
