import Agent
import Audio
import Foundation
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Session

/// A far end that keeps the audio it is sent, stamped, so a test can find a voice in it.
final class RecordingSink: AudioSink, @unchecked Sendable {
    let rate: SampleRate = .hz16000
    let frames = LockedValue<[AudioFrame]>([])
    func write(_ frame: AudioFrame) throws { frames.withLock { $0.append(frame) } }
    func close() throws {}
}

@Suite(.serialized) struct TakeoverTests {
    @Test func operatorTakesOverAnswersAndHandsBackWithContext() async throws {
        let dir = try TestPaths.temporaryDirectory("takeover")
        // The operator's microphone: a WAV of their voice.
        let operatorVoice = try FliteSynthesizer(voice: "slt")
        let job = try operatorVoice.synthesize("Hello, this is the front desk. I can help with that.", rate: .hz16000)
        var operatorSamples: [Int16] = []
        for try await f in job.frames { operatorSamples += f.samples }
        let operatorWAV = dir.appendingPathComponent("operator.wav").path
        // The operator starts speaking a moment after pressing the key.
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: [Int16](repeating: 0, count: 8000) + operatorSamples + [Int16](repeating: 0, count: 16000 * 30)), to: operatorWAV)

        let clock = VirtualClock()
        var options = EmbeddedCall.Options(agentDirectory: ClinicCallTests.clinic, callID: "takeover", clock: clock, realtime: false,
                                           approvalMode: .approveAll)
        options.transcribeOperator = true
        let sink = RecordingSink()
        let callerVoice = try FliteSynthesizer(voice: "rms")
        let call = try await EmbeddedCall.make(options, audio: .init(
            caller: { bus in SimulatedCaller(lines: [
                .say("I'd like to book an appointment on Tuesday at nine am"),
                .say("my name is John Smith"),
                .say("the fourth of March nineteen eighty"),
            ], synthesizer: callerVoice, rate: .hz16000, bus: bus) },
            farEnd: sink, operatorMicrophone: try WAVFileSource(path: operatorWAV, rate: .hz16000)))

        // Take over once the agent has answered the first caller turn; hand back after the caller
        // has told the operator their name.
        let session = call.session
        let takeoverAt = LockedValue<MediaTime?>(nil)
        let handbackAt = LockedValue<MediaTime?>(nil)
        let heardName = LockedValue(false), heardOperator = LockedValue(false)
        call.bus.observeInline { event in
            switch event.payload {
            case .brainDecided where event.turn == 1 && takeoverAt.value == nil:
                takeoverAt.withLock { $0 = event.time }
                session.send(.takeOver(operatorName: "sam"))
            case let .finalTranscript(speaker, text, _) where takeoverAt.value != nil && handbackAt.value == nil:
                if speaker == .caller && text.contains("smith") { heardName.withLock { $0 = true } }
                if speaker == .human && !text.isEmpty { heardOperator.withLock { $0 = true } }
                if heardName.value && heardOperator.value {
                    handbackAt.withLock { $0 = event.time }
                    session.send(.handBack)
                }
            default: break
            }
        }
        await session.run()
        let events = call.bus.events
        let start = try #require(takeoverAt.value)
        let end = try #require(handbackAt.value, "the caller's name was never heard during the takeover: \(events.compactMap { e -> String? in if case let .finalTranscript(s, t, _) = e.payload { return "\(s): \(t)" }; return nil })")
        #expect(events.contains { $0.payload == .takeover(by: "sam") })
        let handback = try #require(events.first { if case .handback = $0.payload { return true } else { return false } })
        #expect(handback.time >= end)

        // While the human had the call, the brain produced no reply.
        // Between the takeover and the handback, in stream order.
        let takeoverIndex = try #require(events.firstIndex { $0.payload == .takeover(by: "sam") })
        let handbackIndex = try #require(events.firstIndex { if case .handback = $0.payload { return true } else { return false } })
        let during = Array(events[(takeoverIndex + 1)..<handbackIndex])
        #expect(!during.contains { if case .brainDecided = $0.payload { return true } else { return false } })
        #expect(!during.contains { if case .ttsRequested = $0.payload { return true } else { return false } })
        // The operator's speech was transcribed as the human side.
        let human = during.compactMap { e -> String? in if case let .finalTranscript(.human, text, _) = e.payload { return text } else { return nil } }
        #expect(human.contains { $0.contains("front desk") }, "the operator was heard as \(human)")

        // The operator's voice reached the caller's side.
        let sent = sink.frames.value.filter { $0.timestamp > start && $0.timestamp < end }.flatMap(\.samples)
        let found = SignalAlignment.locate(Array(operatorSamples.prefix(16000)), in: sent)
        #expect(found.correlation > 0.9, "operator audio at the far end: correlation \(found.correlation)")

        // After handback the agent carries on with the name the caller gave the human: it looks the
        // patient up with it instead of asking for the name again.
        let after = Array(events[handbackIndex...])
        let lookup = after.first { e in if case let .toolFinished(t) = e.payload { return t.tool == "find_patient" } else { return false } }
        guard case let .toolFinished(trace)? = lookup?.payload else {
            Issue.record("no patient lookup after handback: \(after.compactMap { e -> String? in if case let .ttsRequested(t) = e.payload { return t }; return nil })")
            return
        }
        #expect(trace.arguments.contains("John Smith"))
        #expect(events.contains { if case .handback = $0.payload { return true } else { return false } })
    }

    /// A caller asking for a person: without an operator the call ends as a transfer; with the session
    /// holding for one, the call stays up until the operator takes it.
    @Test(arguments: [false, true]) func handoffEndsTheCallOrHoldsItForTheOperator(hold: Bool) async throws {
        let clock = VirtualClock()
        var options = EmbeddedCall.Options(agentDirectory: ClinicCallTests.clinic, callID: "handoff-\(hold)", clock: clock, realtime: false,
                                           approvalMode: .approveAll)
        options.holdOnHandoff = hold
        let callerVoice = try FliteSynthesizer(voice: "rms")
        let call = try await EmbeddedCall.make(options, audio: .init(
            caller: { bus in SimulatedCaller(lines: [
                .say("I want to speak to a human please"),
                .silence(milliseconds: 6000),
                .say("hello is anyone there"),
            ], synthesizer: callerVoice, rate: .hz16000, bus: bus) },
            farEnd: RecordingSink()))
        let session = call.session
        // The operator presses the key a second after the alert.
        let escalatedAt = LockedValue<MediaTime?>(nil)
        call.bus.observeInline { event in
            if case .escalated = event.payload { escalatedAt.withLock { $0 = event.time } }
            if hold, case .level = event.payload, let at = escalatedAt.value, event.time >= at + .seconds(1) {
                escalatedAt.withLock { $0 = .seconds(100_000) }
                session.send(.takeOver(operatorName: "sam"))
            }
        }
        let reason = await session.run()
        let events = call.bus.events
        #expect(events.contains { if case .escalated = $0.payload { return true } else { return false } })
        let callerLines = events.compactMap { e -> String? in if case let .finalTranscript(.caller, t, _) = e.payload { return t } else { return nil } }
        if hold {
            #expect(!reason.hasPrefix("transferred"), "ended: \(reason)")
            #expect(events.contains { $0.payload == .takeover(by: "sam") })
            // The caller was still there after the handoff: their later line was heard.
            #expect(callerLines.contains { $0.contains("anyone") }, "caller lines: \(callerLines)")
        } else {
            #expect(reason.hasPrefix("transferred to"), "ended: \(reason)")
            #expect(!callerLines.contains { $0.contains("anyone") }, "caller lines: \(callerLines)")
        }
    }
}
