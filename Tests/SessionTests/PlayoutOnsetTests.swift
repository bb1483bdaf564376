import Agent
import Audio
import Foundation
import RingsideCore
import Speech
import Testing
@testable import Session

/// A reply starts at its first sound: the synthesiser's silent lead-in is never sent, so the
/// frame the session marks as the reply reaching the caller (`playoutStarted`) is one they hear,
/// and voice-to-voice on the screen ends where an acoustic measurement does.
@Suite(.serialized) struct PlayoutOnsetTests {
    @Test func everyReplysFirstFrameSentIsSound() async throws {
        let sink = RecordingSink()
        let call = try await BargeInTests.clinicCall([.say("What are your opening hours on Friday?")], sink: sink, callID: "onset")
        let starts = call.bus.events.filter { $0.payload == .playoutStarted }
        #expect(starts.count >= 2, "the greeting and an answer: \(starts.map(\.time))")
        let frames = sink.frames.withLock { $0 }
        for start in starts {
            // The frame written on the tick that started the reply (a virtual sink has no output delay).
            let first = try #require(frames.first { $0.timestamp == start.time }, "no frame sent at \(start.time)")
            #expect(AudioLevel(frame: first).isSound, "turn \(start.turn): the first frame sent is \(AudioLevel(frame: first).rmsDBFS) dBFS")
        }
    }
}

/// In real time the session's tick waits for Whisper's final; frames the loop then catches up on
/// carry their own (earlier) times. A reply is heard from when its first frame is handed to the
/// speaker, so `playoutStarted` says that moment — never a time before the words it answers were
/// known (the latency pane had shown answers faster than the sound by the recogniser's wait).
@Suite(.serialized) struct PlayoutInRealTimeTests {
    /// Notes the wall time (on the call's clock) at which each frame was handed over.
    final class HandOverSink: AudioSink, @unchecked Sendable {
        let rate: SampleRate = .hz16000
        let clock: any CallClock
        let handed = LockedValue<[(frame: MediaTime, at: MediaTime)]>([])
        init(clock: any CallClock) { self.clock = clock }
        func write(_ frame: AudioFrame) throws { handed.withLock { $0.append((frame.timestamp, clock.now())) } }
        func close() throws {}
    }

    /// With the reply worked out at the pause, it is ready on the very tick the final arrives: the
    /// tick furthest behind its frames' time.
    @Test func aReplyIsHeardFromWhenItIsHandedOverNeverBeforeItsWordsWereKnown() async throws {
        let speculate = true
        let clock = MonotonicClock()
        let sink = HandOverSink(clock: clock)
        var options = EmbeddedCall.Options(agentDirectory: ClinicCallTests.clinic, callID: "handover-\(speculate)", clock: clock,
                                           realtime: true, approvalMode: .denyAll)
        options.transcribeOperator = false
        options.stt = .whisper
        options.speculate = speculate
        let callerVoice = try FliteSynthesizer(voice: "awb")
        let call = try await EmbeddedCall.make(options, audio: .init(
            caller: { bus in SimulatedCaller(lines: [.say("What are your opening hours on Friday?")], synthesizer: callerVoice, rate: .hz16000, bus: bus) },
            farEnd: sink))
        await call.session.run()
        let events = call.bus.events
        let handed = sink.handed.withLock { $0 }
        let final = try #require(events.first { e in if case .finalTranscript(.caller, let t, _) = e.payload { return !t.isEmpty } else { return false } })
        let source = events.compactMap { e -> FinalSource? in if case let .finalSource(s) = e.payload { return s } else { return nil } }.first
        let answer = try #require(events.first { $0.payload == .playoutStarted && $0.turn == final.turn }, "no answer to turn \(final.turn)")
        // The answer's first frame: the first handed over once its words were known (the greeting's
        // were all handed over long before; nothing is written between replies).
        let firstFrame = try #require(handed.first { $0.at >= final.time - .milliseconds(20) })
        #expect(answer.time >= final.time, "answer heard at \(answer.time), before its words were known at \(final.time) (Whisper waited \(source?.waitMs ?? -1) ms)")
        #expect(answer.time >= firstFrame.at - .milliseconds(5), "answer stamped \(answer.time), its first frame handed over at \(firstFrame.at)")
    }
}
