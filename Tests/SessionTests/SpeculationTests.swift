import Agent
import Audio
import Foundation
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Session

/// An agent that takes `thinking` of call time to answer (as a remote language model would) and can
/// answer ahead. Its reply depends only on the words: whether the caller named a day yet.
final class DeliberateAgent: CallAgent, @unchecked Sendable {
    let clock: VirtualClock
    let thinking: MediaTime
    let answered = LockedValue<[String]>([])
    let speculated = LockedValue<[String]>([])
    let adopted = LockedValue(0)

    static let askDay = "Which day would suit you best?"
    static let confirmTuesday = "Tuesday it is, see you then."

    init(clock: VirtualClock, thinking: MediaTime) {
        self.clock = clock
        self.thinking = thinking
    }

    static func reply(to text: String) -> AgentReply {
        AgentReply(sentences: [text.lowercased().contains("tuesday") ? confirmTuesday : askDay])
    }

    func greet(callerID: String?) async -> AgentReply { AgentReply(sentences: ["Hi."]) }
    func answer(_ text: String, confidence: Double) async -> AgentReply {
        answered.withLock { $0.append(text) }
        try? await clock.sleep(for: thinking)
        return Self.reply(to: text)
    }
    func answer(continuing fragment: String, with rest: String, confidence: Double, heardFragmentReply: Bool) async -> AgentReply {
        await answer(fragment + " " + rest, confidence: confidence)
    }
    func speculate(_ text: String, confidence: Double) async -> SpeculativeReply? {
        speculated.withLock { $0.append(text) }
        try? await clock.sleep(for: thinking)
        return SpeculativeReply(reply: Self.reply(to: text))
    }
    func adopt(_ speculation: SpeculativeReply) async -> Bool {
        adopted.withLock { $0 += 1 }
        return true
    }
    func bargedIn(reply: String, heardText: String, fraction: Double) async {}
    func takeOver(by operatorName: String) async {}
    func operatorSaid(_ text: String) async {}
    func handBack(context: String) async -> AgentReply? { nil }
    func decide(approval id: String, approved: Bool, by operatorName: String) async {}
    func end(reason: String) async {}
}

/// A second recognition pass that hears some words differently from the streaming pass, as Whisper
/// does after pocketsphinx: partials are pocketsphinx's own, the final has `words` replaced.
final class SecondOpinionRecognizer: SpeechRecognizer, @unchecked Sendable {
    let streaming: PocketSphinxRecognizer
    let words: String
    let heardAs: String
    var engineName: String { "second-opinion" }

    init(streaming: PocketSphinxRecognizer, words: String, heardAs: String) {
        self.streaming = streaming
        self.words = words
        self.heardAs = heardAs
    }

    func beginUtterance(expecting expectation: RecognitionExpectation?) async throws { try await streaming.beginUtterance(expecting: expectation) }
    func accept(_ frame: AudioFrame) async throws -> PartialTranscript? { try await streaming.accept(frame) }
    func endUtterance() async throws -> RecognitionResult {
        var result = try await streaming.endUtterance()
        result.text = result.text.replacingOccurrences(of: words, with: heardAs)
        return result
    }
}

/// Replies worked out at the caller's pause (`SessionConfiguration.speculate`): held until the end of
/// the turn, played at once when the turn ends on the same words, never heard otherwise.
@Suite(.serialized) struct SpeculationTests {
    private static func session(agent: any CallAgent, source: any AudioSource, clock: VirtualClock, sink: any AudioSink,
                                speculate: Bool, recognizer: (any SpeechRecognizer)? = nil) throws -> CallSession {
        let bus = CallEventBus(callID: "speculation", clock: clock)
        let listener = SpeechListener(recognizer: try recognizer ?? PocketSphinxRecognizer(configuration: .standard()), vad: EnergyVAD(),
                                      callID: "speculation")
        return CallSession(configuration: SessionConfiguration(realtime: false, agentName: "deliberate", drainTimeout: .seconds(10), speculate: speculate),
                           bus: bus, source: source, farEnd: sink, listener: listener, synthesizer: try FliteSynthesizer(voice: "slt"), agent: agent)
    }

    /// The agent's voice saying `text`, as the session's synthesiser makes it.
    private static func voice(_ text: String) async throws -> [Int16] {
        var samples: [Int16] = []
        for try await f in try FliteSynthesizer(voice: "slt").synthesize(text, rate: .hz16000).frames { samples += f.samples }
        return samples
    }

    /// Whether the far end was sent `reference` (its first voiced 100 ms, frame for frame).
    private static func heard(_ reference: [Int16], in sink: RecordingSink) -> Bool {
        let n = SampleRate.hz16000.samplesPerFrame
        let refFrames = stride(from: 0, to: reference.count - n, by: n).map { Array(reference[$0..<$0 + n]) }
        guard let firstVoiced = refFrames.firstIndex(where: { $0.map { abs(Int($0)) }.max() ?? 0 > 1000 }) else { return false }
        let needle = Array(refFrames[firstVoiced..<min(refFrames.count, firstVoiced + 5)])
        let sent = sink.frames.value.map(\.samples)
        guard sent.count >= needle.count else { return false }
        return (0...(sent.count - needle.count)).contains { i in (0..<needle.count).allSatisfy { sent[i + $0] == needle[$0] } }
    }

    private static func said(_ events: [CallEvent]) -> [String] {
        events.compactMap { if case let .ttsRequested(text) = $0.payload { text } else { nil } }
    }

    private static func outcomes(_ events: [CallEvent]) -> [SpeculationOutcome] {
        events.compactMap { if case let .speculation(o) = $0.payload { o } else { nil } }
    }

    /// The caller pauses (long enough to be answered ahead, too short for the turn to end) and goes on:
    /// the reply worked out for the pause is dropped unheard, and the whole turn gets one reply.
    @Test func aSpeculationIsDroppedUnheardWhenTheCallerGoesOn() async throws {
        let clock = VirtualClock()
        let agent = DeliberateAgent(clock: clock, thinking: .zero)
        let audio = try await ScriptedAudio.speaking(["I would like to book an appointment.", "On Tuesday please."],
                                                     gaps: [.milliseconds(500), .seconds(5)], lead: .seconds(1.5))
        let sink = RecordingSink()
        let call = try Self.session(agent: agent, source: audio, clock: clock, sink: sink, speculate: true)
        await call.run()
        let events = call.bus.events

        // It did answer ahead at the first pause, on the words before it.
        let early = agent.speculated.value.filter { !$0.lowercased().contains("tuesday") }
        #expect(!early.isEmpty, "no speculation at the first pause; speculated on \(agent.speculated.value)")
        #expect(Self.outcomes(events).contains { $0.cancelled >= 1 }, "outcomes: \(Self.outcomes(events))")
        // One reply for the whole turn, to all of it; the pause's reply never reached the caller.
        #expect(Array(Self.said(events).dropFirst()) == [DeliberateAgent.confirmTuesday], "said \(Self.said(events))")
        #expect(Self.heard(try await Self.voice(DeliberateAgent.confirmTuesday), in: sink), "the reply that was played is not found in the sink")
        #expect(!Self.heard(try await Self.voice(DeliberateAgent.askDay), in: sink), "the speculated reply reached the sink")
    }

    /// With an agent that takes 600 ms to think, the reply worked out at the pause is ready by the end
    /// of the turn: it starts sooner after the end of the turn than the same call without speculation.
    @Test func aSpeculationThatHoldsAnswersSooner() async throws {
        func run(speculate: Bool) async throws -> (v2v: Double, events: [CallEvent], agent: DeliberateAgent) {
            let clock = VirtualClock()
            let agent = DeliberateAgent(clock: clock, thinking: .milliseconds(600))
            let audio = try await ScriptedAudio.speaking(["I would like an appointment on Tuesday."], gaps: [.seconds(5)], lead: .seconds(1.5))
            let call = try Self.session(agent: agent, source: audio, clock: clock, sink: RecordingSink(), speculate: speculate)
            await call.run()
            let events = call.bus.events
            let turn = try #require(TurnLatency.turns(from: events).first { $0.turn >= 1 && $0.voiceToVoiceMs != nil }, "no answered caller turn")
            return (try #require(turn.voiceToVoiceMs), events, agent)
        }
        let off = try await run(speculate: false)
        let on = try await run(speculate: true)
        #expect(Self.said(on.events) == Self.said(off.events), "the same reply either way")
        #expect(Self.outcomes(off.events).isEmpty)
        #expect(Self.outcomes(on.events).map(\.held) == [true], "outcomes: \(Self.outcomes(on.events))")
        #expect(on.agent.answered.value.isEmpty, "the turn was computed again: \(on.agent.answered.value)")
        // The speculation starts 200 ms into the pause; it saves the time from there to the end of the
        // turn being decided (at most the brain's 600 ms), give or take a 20 ms frame either side.
        let endpointing = try #require(TurnLatency.turns(from: off.events).first { $0.voiceToVoiceMs != nil }?.milliseconds(.endpointing))
        let saving = min(600, endpointing - 200)
        #expect(saving >= 60, "the turn ended \(endpointing) ms into the pause: too soon for the test to show anything")
        #expect(off.v2v - on.v2v >= saving - 40, "voice-to-voice with speculation \(on.v2v) ms, without \(off.v2v) ms, end of turn decided after \(endpointing) ms")
    }

    /// The second pass hears the turn differently from the words at the pause: the reply worked out
    /// ahead is dropped and the real clinic agent answers the final words.
    @Test func aChangedFinalTranscriptIsAnsweredAfresh() async throws {
        let clock = VirtualClock()
        let definition = try AgentLoader.load(directory: ClinicCallTests.clinic)
        let dir = try TestPaths.temporaryDirectory("speculation")
        func conversation(_ events: any CallEventEmitter) throws -> Conversation {
            let database = try AgentDatabase.create(at: dir.appendingPathComponent("agent-\(UUID().uuidString.prefix(6)).sqlite"), definition: definition)
            return try Conversation(agent: definition, database: database,
                                    options: ConversationOptions(callID: "speculation", clock: clock, events: events, approvalMode: .denyAll))
        }
        // What the agent answers to each reading of the caller's words, asked of fresh conversations.
        func answer(_ text: String) async throws -> String {
            let c = try conversation(EventCollector())
            _ = await c.start()
            return await c.hear(text).text
        }
        let streaming = try PocketSphinxRecognizer(configuration: .standard())
        _ = try await streaming.adapt(to: definition.vocabulary)
        let recognizer = SecondOpinionRecognizer(streaming: streaming, words: "book an appointment", heardAs: "know your opening hours")
        let audio = try await ScriptedAudio.speaking(["I'd like to book an appointment."], gaps: [.seconds(6)], lead: .seconds(9))
        let sink = RecordingSink()
        let bus = CallEventBus(callID: "speculation", clock: clock)
        let agent = ConversationAgent(try conversation(bus))
        let listener = SpeechListener(recognizer: recognizer, vad: EnergyVAD(), callID: "speculation")
        let call = CallSession(configuration: SessionConfiguration(realtime: false, agentName: definition.name, drainTimeout: .seconds(10), speculate: true),
                               bus: bus, source: audio, farEnd: sink, listener: listener, synthesizer: try FliteSynthesizer(voice: definition.voice),
                               agent: agent)
        await call.run()
        let events = bus.events
        let final = try #require(events.compactMap { e -> String? in
            if case let .finalTranscript(.caller, text, _) = e.payload { return text } else { return nil }
        }.first)
        #expect(final.contains("opening hours"), "final: \(final)")
        let outcome = try #require(Self.outcomes(events).first, "the turn was not speculated on")
        #expect(outcome.text.contains("book"), "speculated on \(outcome.text)")
        #expect(!outcome.held && outcome.miss?.contains("differ") == true, "outcome: \(outcome)")
        let expected = try await answer(final)
        let speculated = try await answer(outcome.text)
        #expect(expected != speculated, "both readings get the same answer; the test shows nothing")
        let reply = events.filter { $0.turn >= 1 }.compactMap { e -> String? in
            if case let .brainDecided(_, _, _, reply, _) = e.payload { return reply } else { return nil }
        }
        #expect(reply == [expected], "the agent answered \(reply); to \"\(final)\" it answers \"\(expected)\"")
        let firstSentence = try #require(SentenceSplitter.split(speculated).first)
        if !expected.hasPrefix(firstSentence) {
            #expect(!Self.heard(try await Self.voice(firstSentence, voice: definition.voice), in: sink), "the speculated reply reached the sink")
        }
    }

    private static func voice(_ text: String, voice: String) async throws -> [Int16] {
        var samples: [Int16] = []
        for try await f in try FliteSynthesizer(voice: voice).synthesize(text, rate: .hz16000).frames { samples += f.samples }
        return samples
    }

    /// The real clinic agent booking a slot: the booking tool writes, so it never runs at a pause.
    /// The speculation at the caller's "yes" is refused it and not used; the booking happens once,
    /// after the end of the turn.
    @Test func aToolThatWritesNeverRunsDuringSpeculation() async throws {
        let (call, _, dir) = try await ClinicCallTests.runCall(lines: [
            .say("I'd like to book an appointment on Tuesday at nine am"),
            .say("John Smith"),
            .say("the fourth of March nineteen eighty"),
            .say("yes"),
        ], speculate: true)
        let events = call.bus.events
        let owner = try await call.database?.read { db in try Int.fetchOne(db, sql: "SELECT patient_id FROM slots WHERE date = '2026-03-03' AND time = '09:00'") }
        #expect(owner == 1)
        let writes = events.filter { if case let .toolStarted(t) = $0.payload { t.tool == "book_slot" } else { false } }
        #expect(writes.count == 1, "book_slot ran \(writes.count) times")
        let turn = try #require(writes.first?.turn)
        let outcome = try #require(events.first { $0.turn == turn && $0.payload.kind == .speculation }.flatMap {
            if case let .speculation(o) = $0.payload { o } else { nil }
        }, "the booking turn was not speculated on")
        #expect(!outcome.held && outcome.miss?.contains("book_slot") == true, "outcome: \(outcome)")
        // The audit trail (written as tools run) has the booking after the end of that turn, not in its pause.
        let endOfTurn = try #require(events.first { $0.turn == turn && $0.payload.kind == .endOfTurn }?.time)
        let audit = try String(contentsOf: dir.appendingPathComponent("rec").appendingPathComponent(CallRecorder.FileName.audit), encoding: .utf8)
        let entries = try audit.split(separator: "\n").map { try JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
        let bookings = entries.filter { $0.kind == "tool" && $0.detail.jsonText.contains("book_slot") }
        #expect(bookings.count == 1, "audit: \(bookings)")
        for b in bookings { #expect(b.timeMs >= endOfTurn.milliseconds, "booked at \(b.timeMs) ms, the turn ended at \(endOfTurn.milliseconds) ms") }
        #expect(Self.speculationOutcomesAreOnRecord(dir: dir), "the recording lacks the speculation outcome")
    }

    /// Recordings from before speculation load with every turn "not speculated on"; the new event
    /// round-trips, and its words are redacted like the caller's other words.
    @Test func speculationOutcomesOnRecordOldAndNew() throws {
        let old = try LegacyRecordingTests.oldEvents.split(separator: "\n").map { try JSONDecoder().decode(CallEvent.self, from: Data($0.utf8)) }
        #expect(TurnLatency.turns(from: old).allSatisfy { $0.speculation == nil })
        let event = CallEvent(callID: "c", turn: 2, time: .seconds(3), stage: .session,
                              payload: .speculation(SpeculationOutcome(held: false, cancelled: 1, text: "my card is 4111", miss: "the final words differ")))
        let back = try JSONDecoder().decode(CallEvent.self, from: try JSONEncoder().encode(event))
        #expect(back == event)
        var latency = TurnLatency(turn: 2)
        latency.record(back)
        #expect(latency.speculation?.cancelled == 1)
        let bus = CallEventBus(callID: "c", clock: VirtualClock())
        bus.redactCallerSpeech(true)
        let redacted = bus.emit(.session, event.payload)
        guard case let .speculation(o) = redacted.payload else { Issue.record("payload changed kind"); return }
        #expect(o.text == "[redacted]")
    }

    private static func speculationOutcomesAreOnRecord(dir: URL) -> Bool {
        let events = (try? String(contentsOf: dir.appendingPathComponent("rec").appendingPathComponent(CallRecorder.FileName.events), encoding: .utf8)) ?? ""
        return events.contains("\"speculation\"")
    }
}
