import Agent
import Audio
import Foundation
import RingsideCore
import Speech
import Synchronization
import Testing
import TestSupport
@testable import Session

/// A caller whose audio is fixed in advance: frames played in order, whatever the agent does.
final class ScriptedAudio: AudioSource, @unchecked Sendable {
    let rate: SampleRate = .hz16000
    private let frames: LockedValue<[AudioFrame]>
    private let index = LockedValue(0)

    init(samples: [Int16]) {
        var frames: [AudioFrame] = []
        let n = SampleRate.hz16000.samplesPerFrame
        var start = 0
        while start < samples.count {
            var chunk = Array(samples[start..<min(start + n, samples.count)])
            if chunk.count < n { chunk += Array(repeating: 0, count: n - chunk.count) }
            frames.append(AudioFrame(rate: .hz16000, samples: chunk, timestamp: .milliseconds(Double(frames.count) * 20)))
            start += n
        }
        self.frames = LockedValue(frames)
    }

    func nextFrame() throws -> AudioFrame? {
        let i = index.withLock { i -> Int in defer { i += 1 }; return i }
        return frames.withLock { i < $0.count ? $0[i] : nil }
    }

    func close() {}

    /// Lines spoken by flite's `voice`, each followed by `gaps[i]` of silence, after `lead` of silence.
    static func speaking(_ lines: [String], gaps: [MediaTime], lead: MediaTime, voice: String = "awb") async throws -> ScriptedAudio {
        let synthesizer = try FliteSynthesizer(voice: voice)
        var samples = silence(lead)
        for (line, gap) in zip(lines, gaps) {
            for try await frame in try synthesizer.synthesize(line, rate: .hz16000).frames { samples += frame.samples }
            samples += silence(gap)
        }
        return ScriptedAudio(samples: samples)
    }

    static func silence(_ t: MediaTime) -> [Int16] { Array(repeating: 0, count: Int(t.seconds * 16_000)) }
}

/// An agent for session tests: a one-word greeting, and replies the test controls.
final class ScriptedAgent: CallAgent, @unchecked Sendable {
    let asked = LockedValue<[String]>([])
    let continued = LockedValue<[(fragment: String, rest: String)]>([])
    let cancelledTurns = LockedValue(0)
    private let respond: @Sendable (String, ScriptedAgent) async -> AgentReply

    init(respond: @escaping @Sendable (String, ScriptedAgent) async -> AgentReply) { self.respond = respond }

    func greet(callerID: String?) async -> AgentReply { AgentReply(sentences: ["Hi."]) }
    func answer(_ text: String, confidence: Double) async -> AgentReply {
        asked.withLock { $0.append(text) }
        let reply = await respond(text, self)
        if Task.isCancelled { cancelledTurns.withLock { $0 += 1 } }
        return reply
    }
    func answer(continuing fragment: String, with rest: String, confidence: Double, heardFragmentReply: Bool) async -> AgentReply {
        continued.withLock { $0.append((fragment, rest)) }
        return AgentReply(sentences: ["You said \(fragment) and \(rest)."])
    }
    func bargedIn(reply: String, heardText: String, fraction: Double) async {}
    func takeOver(by operatorName: String) async {}
    func operatorSaid(_ text: String) async {}
    func handBack(context: String) async -> AgentReply? { nil }
    func decide(approval id: String, approved: Bool, by operatorName: String) async {}
    func end(reason: String) async {}
}

@Suite(.serialized) struct TurnTakingTests {
    private func session(agent: any CallAgent, source: any AudioSource, clock: VirtualClock) throws -> CallSession {
        let bus = CallEventBus(callID: "turns", clock: clock)
        let listener = SpeechListener(recognizer: try PocketSphinxRecognizer(configuration: .standard()), vad: EnergyVAD(), callID: "turns")
        return CallSession(configuration: SessionConfiguration(realtime: false, agentName: "scripted", drainTimeout: .seconds(10)),
                           bus: bus, source: source, farEnd: CountingSink(), listener: listener,
                           synthesizer: try FliteSynthesizer(voice: "slt"), agent: agent)
    }

    private static func spoken(_ events: [CallEvent]) -> [String] {
        events.compactMap { if case let .ttsRequested(text) = $0.payload { text } else { nil } }
    }

    /// A slow brain's answer to an earlier turn arrives after a later turn was answered: it is never played.
    @Test func aReplyComputedForAnEarlierTurnIsNeverPlayed() async throws {
        let clock = VirtualClock()
        let holder = LockedValue<CallSession?>(nil)
        let agent = ScriptedAgent { text, _ in
            if text == "first" {
                // The caller types again while the brain is still working on "first", which then takes 3 s.
                holder.value?.send(.typed("second"))
                try? await clock.sleep(for: .seconds(3))
                return AgentReply(sentences: ["Stale answer to first."])
            }
            return AgentReply(sentences: ["Answer to \(text)."])
        }
        let call = try session(agent: agent, source: ScriptedAudio(samples: ScriptedAudio.silence(.seconds(8))), clock: clock)
        holder.withLock { $0 = call }
        call.send(.typed("first"))
        await call.run()

        let said = Self.spoken(call.bus.events)
        #expect(agent.asked.value == ["first", "second"])
        #expect(said.contains("Answer to second."), "said: \(said)")
        #expect(!said.contains("Stale answer to first."), "a reply to an earlier turn was played: \(said)")
        #expect(agent.cancelledTurns.value == 1, "the superseded turn's task was not cancelled")
    }

    /// The caller pauses between two sentences: one answer covers both. At 600 ms the end-of-turn
    /// rules already wait; at 900 ms they decide the turn is over, and the caller going on joins the
    /// pieces: the reply to the first is withdrawn and the fragment reported as a premature end of turn.
    @Test(arguments: [600, 900]) func aCallerWhoGoesOnAfterAPauseGetsOneAnswerToBoth(pauseMs: Int) async throws {
        let clock = VirtualClock()
        let agent = ScriptedAgent { text, _ in AgentReply(sentences: ["Reply to \(text) alone, which is long enough to be cut short."]) }
        let audio = try await ScriptedAudio.speaking(["I would like to book an appointment.", "With doctor Patel on Tuesday."],
                                                     gaps: [.milliseconds(Double(pauseMs)), .seconds(5)], lead: .seconds(1.5))
        let call = try session(agent: agent, source: audio, clock: clock)
        await call.run()
        let events = call.bus.events
        let heard = events.compactMap { e -> String? in
            switch e.payload {
            case let .finalTranscript(.caller, text, _): "final \(e.time): \(text)"
            case let .endOfTurn(_, rule): "end \(e.time) \(rule)"
            default: nil
            }
        }
        let joins = events.filter { if case .fragmentJoined = $0.payload { true } else { false } }
        let said = Self.spoken(events).dropFirst()  // after the greeting
        // Exactly one reply was spoken in full, and it answers both sentences.
        let finished = events.filter { e in if case let .playoutFinished(f) = e.payload, f >= 1 { true } else { false } }
        #expect(finished.count == 2, "greeting and one answer; said \(said), heard \(heard)")
        let last = try #require(said.last)
        #expect(last.lowercased().contains("appointment") && last.lowercased().contains("tuesday"), "said \(said), heard \(heard)")
        #expect(!events.contains { if case .bargeIn = $0.payload { true } else { false } }, "a continuation is not a barge-in")
        if pauseMs >= 900 {
            #expect(joins.count == 1, "heard \(heard)")
            #expect(agent.continued.value.count == 1)
            #expect(last.hasPrefix("You said "), "said \(said)")
        }
    }

    /// With a real agent: "that's all" followed by more after a short pause does not end the call.
    @Test func aCallIsNeverEndedOnAFragment() async throws {
        let clock = VirtualClock()
        var options = EmbeddedCall.Options(agentDirectory: ClinicCallTests.clinic, callID: "fragment", clock: clock, realtime: false,
                                           approvalMode: .denyAll)
        options.transcribeOperator = false
        let audio = try await ScriptedAudio.speaking(["Thank you, that is all.", "Actually, I want to cancel my appointment."],
                                                     gaps: [.milliseconds(500), .seconds(6)], lead: .seconds(9))
        let call = try await EmbeddedCall.make(options, audio: .init(caller: { _ in audio }, farEnd: CountingSink()))
        let reason = await call.session.run()
        let events = call.bus.events
        let finals = events.compactMap { if case let .finalTranscript(.caller, text, _) = $0.payload { text } else { nil } }
        let said = Self.spoken(events)
        #expect(reason != "the agent ended the call", "ended on a fragment; caller said \(finals), agent said \(said)")
        #expect(events.contains { if case .fragmentJoined = $0.payload { true } else { false } }, "caller said \(finals)")
    }
}

/// What a caller says in answer to a question for personal data is redacted everywhere, whether or
/// not the agent understood it (a misheard date of birth is still a date of birth).
@Suite(.serialized) struct SensitiveAnswerTests {
    @Test func anAnswerToTheDateOfBirthQuestionIsRedactedEvenWhenItIsNotUnderstood() async throws {
        let (call, _, dir) = try await ClinicCallTests.runCall(lines: [
            .say("I'd like to book an appointment on Tuesday at nine am"),
            .say("John Smith"),
            .say("the fifteenth of smarch ninety ninety"),
        ])
        let events = call.bus.events
        // The caller's turn that answered "date of birth".
        let asked = try #require(events.firstIndex { e in
            if case let .ttsRequested(text) = e.payload { return text.lowercased().contains("date of birth") } else { return false }
        }, "the agent never asked for the date of birth")
        let answer = try #require(events[asked...].first { e in
            if case .finalTranscript(.caller, _, _) = e.payload { return true } else { return false }
        })
        guard case let .finalTranscript(_, text, _) = answer.payload else { return }
        #expect(text == "[redacted]")
        let partials = events[asked...].prefix { $0.time <= answer.time }.compactMap { e -> String? in
            if case let .partialTranscript(.caller, t) = e.payload { return t } else { return nil }
        }
        #expect(!partials.isEmpty && partials.allSatisfy { $0 == "[redacted]" }, "partials: \(partials)")
        // Nothing the caller said there reaches any file of the recording.
        let recording = dir.appendingPathComponent("rec")
        let files = try FileManager.default.contentsOfDirectory(atPath: recording.path)
        // Nor does the call's copy of the agent database, which holds every patient's date of birth.
        #expect(!files.contains { $0.hasSuffix(".sqlite") }, "recording holds \(files)")
        for name in files where !name.hasSuffix(".wav") && !name.hasSuffix(".sqlite") {
            let content = (try? String(contentsOf: recording.appendingPathComponent(name), encoding: .utf8)) ?? ""
            for word in ["fifteenth", "ninety"] {
                #expect(!content.lowercased().contains(word), "\(name) holds \"\(word)\"")
            }
        }
    }
}
