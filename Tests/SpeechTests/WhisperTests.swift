import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Speech

/// Whisper as the final pass: the real whisper.cpp library and the real tiny.en model that `make setup`
/// installs (Tests/Support/install-whisper.sh), on speech synthesised by flite.
@Suite("Whisper final pass", .serialized)
struct WhisperTests {
    static func model() throws -> WhisperModel { try WhisperModel.shared() }

    static func twoPass(settings: TwoPassRecognizer.Settings = .virtualTime) throws -> TwoPassRecognizer {
        TwoPassRecognizer(streaming: try SpeechFixtures.recognizer(), whisper: try model(), settings: settings)
    }

    /// Runs frames through a listener (VAD, turn detection, both passes); returns its events.
    static func listen(_ frames: [AudioFrame], recognizer: any SpeechRecognizer,
                       endpoint: EndpointDetector = EndpointDetector()) async throws -> [CallEvent] {
        let listener = SpeechListener(recognizer: recognizer, vad: EnergyVAD(), endpoint: endpoint)
        var events: [CallEvent] = []
        for f in frames { events += try await listener.process(f) }
        events += try await listener.flush()
        return events
    }

    static func finals(_ events: [CallEvent]) -> [String] {
        events.compactMap { if case let .finalTranscript(_, text, _) = $0.payload { return text } else { return nil } }
    }

    static func wer(_ reference: String, _ hypothesis: String) -> Double {
        WordErrorRate(reference: reference, hypothesis: hypothesis).rate
    }

    @Test("the installed model is found, has a ggml header, and loads")
    func installed() throws {
        let path = WhisperModel.defaultModelPath()
        #expect(WhisperModel.availability(path: path) == nil, "\(path)")
        #expect(WhisperModel.libraryVersion == "1.8.5")
        _ = try Self.model()
    }

    @Test("a flite sentence at 16 kHz: Whisper writes the final, within 10 % WER; times become words")
    func cleanSentence() async throws {
        let sentence = "I would like to move my appointment to Thursday morning at ten thirty please"
        let speech = SpeechFixtures.restamp(SpeechFixtures.silence(300, start: .zero) + (try await SpeechFixtures.speak(sentence))
                                            + SpeechFixtures.silence(1500, start: .zero))
        let recognizer = try Self.twoPass()
        let events = try await Self.listen(speech, recognizer: recognizer)
        let finals = Self.finals(events).filter { !$0.isEmpty }
        try #require(finals.count == 1, "finals: \(finals)")
        #expect(Self.wer(sentence, finals[0]) <= 0.10, "heard: \(finals[0])")
        let hasDigits = finals[0].contains { $0.isNumber }
        #expect(!hasDigits, "digits must be spelled out: \(finals[0])")
        let source = try #require(events.compactMap { if case let .finalSource(s) = $0.payload { return s } else { return nil } }.first)
        #expect(source.engine == "whisper" && source.fallback == nil)
    }

    @Test("the same sentence as 8 kHz μ-law telephone audio stays within 15 % WER")
    func telephoneBand() async throws {
        let sentence = "my order number is four five six seven and it has not arrived yet"
        let wide = try await SpeechFixtures.speak(sentence).flatMap(\.samples)
        let narrow = G711.muLawDecode(G711.muLawEncode(try Resampler.convert(wide, from: 16000, to: 8000)))
        let lead = [Int16](repeating: 0, count: 8 * 300), tail = [Int16](repeating: 0, count: 8 * 1500)
        let frames = AudioFrame.frames(from: lead + narrow + tail, rate: .hz8000, start: .zero)
        let events = try await Self.listen(frames, recognizer: try Self.twoPass())
        let heard = Self.finals(events).filter { !$0.isEmpty }.joined(separator: " ")
        #expect(Self.wer(sentence, heard) <= 0.15, "heard: \(heard)")
    }

    @Test("silence and a pure tone give no caller turn, and finish within the deadline")
    func silenceAndTone() async throws {
        var settings = TwoPassRecognizer.Settings()
        settings.deadline = .milliseconds(1500)
        let silence = SpeechFixtures.silence(3000, start: .zero)
        let started = ContinuousClock.now
        #expect(Self.finals(try await Self.listen(silence, recognizer: try Self.twoPass(settings: settings))).allSatisfy { $0.isEmpty })

        // Two seconds of 440 Hz at −12 dBFS between silences: the VAD takes it for speech.
        let tone = (0..<32000).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 16000)) }
        let samples = [Int16](repeating: 0, count: 16 * 500) + tone + [Int16](repeating: 0, count: 16 * 1500)
        let events = try await Self.listen(AudioFrame.frames(from: samples, rate: .hz16000, start: .zero),
                                           recognizer: try Self.twoPass(settings: settings))
        let finals = Self.finals(events)
        #expect(finals.allSatisfy { $0.isEmpty }, "a tone must not become caller words: \(finals)")
        let unclear = events.compactMap { if case let .finalSource(s) = $0.payload, s.unclear == true { s } else { nil } }
        #expect(unclear.isEmpty, "a tone is not speech to ask the caller about again: \(unclear)")
        let took = ContinuousClock.now - started
        #expect(took < Duration.seconds(8), "took \(took)")
    }

    @Test("a decode past its deadline answers at the deadline, even while another call's decode holds the engine")
    func deadlineWhileEngineBusy() async throws {
        let model = try Self.model()
        // About 25 s of speech for the decode that holds the engine; a little noise of this run's own
        // keeps both requests out of the decode cache.
        let sentence = try await SpeechFixtures.speak("I would like to move my appointment to Thursday morning at ten thirty please")
            .flatMap(\.samples)
        var rng = SystemRandomNumberGenerator()
        func audio(repeats: Int) -> [Float] {
            var out: [Float] = []
            for _ in 0..<repeats { out += sentence.map { Float($0) / 32768 + Float.random(in: -0.001...0.001, using: &rng) } }
            return out
        }
        let long = model.decode(WhisperRequest(samples: audio(repeats: 7), urgent: true))
        defer { long.cancel() }
        let short = model.decode(WhisperRequest(samples: audio(repeats: 1), urgent: true))
        let started = ContinuousClock.now
        let outcome = await short.wait(deadline: .milliseconds(200))
        let waited = ContinuousClock.now - started
        #expect(outcome == nil, "queued behind the long decode, it cannot have finished")
        #expect(long.outcome == nil, "the long decode must still hold the engine for this test to mean anything")
        #expect(waited < .milliseconds(700), "the caller waited \(waited) for a 200 ms deadline")
    }

    @Test("decodes that share the cores run side by side, one thread each, and write the words a decode on every core writes")
    func sharedCores() async throws {
        let model = try Self.model()
        try #require(WhisperModel.defaultThreads >= 2, "one core: nothing to share")
        var rng = SystemRandomNumberGenerator()
        var audios: [[Float]] = []
        for sentence in ["Could you check where my order is, the number is one zero four two seven",
                         "My date of birth is the third of March nineteen eighty four"] {
            // A little noise of this run's own keeps the requests out of the decode cache.
            audios.append(try await SpeechFixtures.speak(sentence).flatMap(\.samples)
                .map { Float($0) / 32768 + Float.random(in: -0.001...0.001, using: &rng) })
        }
        var alone: [WhisperOutcome] = []
        for a in audios { alone.append(try #require(await model.decode(WhisperRequest(samples: a, urgent: true)).wait(deadline: nil))) }
        let started = ContinuousClock.now
        let jobs = audios.map { model.decode(WhisperRequest(samples: $0, urgent: true, shareCores: true)) }
        var shared: [WhisperOutcome] = []
        for j in jobs { shared.append(try #require(await j.wait(deadline: nil))) }
        let took = ContinuousClock.now - started
        let wall = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        #expect(shared.map(\.text) == alone.map(\.text))
        #expect(alone.allSatisfy { $0.threads == WhisperModel.defaultThreads }, "\(alone.map(\.threads))")
        #expect(shared.allSatisfy { $0.threads == 1 }, "\(shared.map(\.threads))")
        // Side by side: both done in less time than one after the other would take.
        let serial = shared.map(\.decodeSeconds).reduce(0, +)
        #expect(wall < 0.9 * serial, "two shared decodes took \(wall) s; one after the other: \(serial) s")
    }

    @Test("a live call's ears warm Whisper up while the agent greets: the first decode a caller waits for finds its state made")
    func warmUpBeforeTheFirstTurn() async throws {
        let model = try Self.model()
        _ = try await RecognizerEngine.ears(streaming: try SpeechFixtures.recognizer(), engine: .whisper, realtime: true)
        #expect(model.scheduler.warmUpRequested, "a live call's ears must ask for the warm-up")
        _ = try await RecognizerEngine.ears(streaming: try SpeechFixtures.recognizer(), engine: .whisper, realtime: false)

        // On schedulers of their own (the shared one may have decoded for other tests already): the
        // same sentence as a caller's first turn, with the warm-up and without.
        let speech = try await SpeechFixtures.speak("I would like to book an appointment on Tuesday").flatMap(\.samples).map { Float($0) / 32768 }
        let warmed = WhisperScheduler(model: model.model, threads: WhisperModel.defaultThreads)
        let warmUp = warmed.warmUp()
        #expect(warmed.warmUp() === warmUp, "once per scheduler")
        _ = await warmUp.wait(deadline: nil)
        #expect(warmed.warmUpSeconds != nil)
        let first = try #require(await warmed.submit(WhisperRequest(samples: speech, urgent: true)).wait(deadline: nil))
        #expect(!first.coldStart, "the caller's first decode made its own state despite the warm-up")
        #expect(warmed.counts.ran == 1, "the warm-up is not counted with the callers' decodes: \(warmed.counts)")

        let cold = WhisperScheduler(model: model.model, threads: WhisperModel.defaultThreads)
        let unwarmed = try #require(await cold.submit(WhisperRequest(samples: speech, urgent: true)).wait(deadline: nil))
        #expect(unwarmed.coldStart)
        #expect(unwarmed.text == first.text)
        print("first live decode: cold \(unwarmed.decodeSeconds) s, after the warm-up (\(warmed.warmUpSeconds ?? 0) s) \(first.decodeSeconds) s")
    }

    @Test("at exit the decodes are stopped and waited for: a running one is aborted, a queued one never starts")
    func quiesceStopsDecodesBeforeExit() async throws {
        let model = try Self.model()
        let speech = try await SpeechFixtures.speak("I would like to book an appointment on Tuesday").flatMap(\.samples).map { Float($0) / 32768 }
        let long = Array(repeating: speech, count: 8).flatMap { $0 }
        let scheduler = WhisperScheduler(model: model.model, threads: WhisperModel.defaultThreads)
        let running = scheduler.submit(WhisperRequest(samples: long, urgent: true))
        // Bounded wait until the decode has started.
        for _ in 0..<400 where scheduler.peakParallelDecodes == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(scheduler.peakParallelDecodes == 1, "the decode never started")
        let queued = scheduler.submit(WhisperRequest(samples: speech, urgent: false))
        let started = ContinuousClock.now
        scheduler.quiesce(deadline: Date().addingTimeInterval(3))
        let took = ContinuousClock.now - started
        #expect(took < .seconds(3), "quiesce waited out its deadline: the decode was not stopped")
        #expect(await running.wait(deadline: .seconds(1)) == nil, "the running decode was aborted")
        #expect(await queued.wait(deadline: .milliseconds(500)) == nil, "no decode starts once closing")
        #expect(scheduler.counts.ran == 0, "\(scheduler.counts)")
    }

    @Test("a speculative decode started at a pause is thrown away when the caller goes on; its text never appears alone")
    func speculationCancelled() async throws {
        let first = "I need to book an appointment"
        let second = "for my daughter next Wednesday"
        let a = try await SpeechFixtures.speak(first), b = try await SpeechFixtures.speak(second)
        // A 450 ms pause: the speculative decode starts 200 ms into it; a long turn window keeps the turn open.
        let frames = SpeechFixtures.restamp(SpeechFixtures.silence(300, start: .zero) + a + SpeechFixtures.silence(450, start: .zero)
                                            + b + SpeechFixtures.silence(2500, start: .zero))
        var endpoint = EndpointDetector(policy: TurnPolicy(adaptive: false, window: .milliseconds(1200)))
        endpoint.stopGap = MediaTime.milliseconds(160)
        var settings = TwoPassRecognizer.Settings.virtualTime
        settings.speculate = true
        let recognizer = try Self.twoPass(settings: settings)
        let events = try await Self.listen(frames, recognizer: recognizer, endpoint: endpoint)
        let finals = Self.finals(events).filter { !$0.isEmpty }
        try #require(finals.count == 1, "one turn expected: \(finals)")
        #expect(Self.wer(first + " " + second, finals[0]) <= 0.15, "heard: \(finals[0])")
        #expect(await recognizer.speculationsCancelled >= 1)
        #expect(await recognizer.speculationsUsed == 1, "the final pause's decode is used")
    }

    /// A live caller saying an order number the streaming pass hears only in part, then silence:
    /// the listener's events, Whisper's decode at the pause taking no call time (settled each frame).
    static func orderNumberTurn(learned: LearnedTurnDetection? = nil) async throws -> [CallEvent] {
        let digits = try await SpeechFixtures.speak("one zero four three one")
        let frames = SpeechFixtures.restamp(SpeechFixtures.silence(300, start: .zero) + digits + SpeechFixtures.silence(1600, start: .zero))
        var settings = TwoPassRecognizer.Settings.virtualTime
        settings.speculate = true
        let recognizer = TwoPassRecognizer(streaming: AlteredRecognizer(try SpeechFixtures.recognizer(), keepWords: 3), whisper: try model(), settings: settings)
        let listener = SpeechListener(recognizer: recognizer, vad: EnergyVAD())
        listener.learnedTurn = learned
        listener.expect(.digits(count: 5))
        var events: [CallEvent] = []
        for f in frames {
            events += try await listener.process(f)
            await recognizer.speculationSettled()
        }
        return events + (try await listener.flush())
    }

    static func endsOfTurn(_ events: [CallEvent]) -> [(waited: MediaTime, rule: EndOfTurnRule)] {
        events.compactMap { if case let .endOfTurn(trueEnd, rule) = $0.payload { ($0.time - trueEnd, rule) } else { nil } }
    }

    @Test("in a live pause the turn rules judge Whisper's words: a digit the streaming pass missed does not hold a finished turn for the long window")
    func pauseWordsJudgeTheTurn() async throws {
        let events = try await Self.orderNumberTurn()
        let ends = Self.endsOfTurn(events)
        try #require(ends.count == 1, "one turn expected: \(ends)")
        // The streaming words ("one zero four", 3 of 5 digits) trail: 1100 ms. Whisper's are complete.
        #expect(ends[0].rule == .silence(.complete), "rule: \(ends[0].rule)")
        #expect(ends[0].waited < .milliseconds(500), "the turn ended \(ends[0].waited.milliseconds) ms after the caller stopped")
        #expect(Self.finals(events) == ["one zero four three one"])
    }

    @Test("a learned model's 'complete' vetoed on the streaming words ends the turn once Whisper's words lift the veto")
    func pauseWordsLiftTheVeto() async throws {
        let learned = LearnedTurnDetection(model: ConstantTurnModel(probability: 0.9), rules: true)
        let events = try await Self.orderNumberTurn(learned: learned)
        let ends = Self.endsOfTurn(events)
        try #require(ends.count == 1, "one turn expected: \(ends)")
        #expect(ends[0].rule == .learnedModel(probability: 0.9), "rule: \(ends[0].rule)")
        // Asked at 200 ms and vetoed; asked again only at 600 ms without Whisper's words.
        #expect(ends[0].waited < .milliseconds(500), "the turn ended \(ends[0].waited.milliseconds) ms after the caller stopped")
    }

    @Test("Whisper's phantom lines and loops never reach the brain")
    func guards() {
        let quiet = WhisperOutcome(status: .ok, text: " Thank you.", tokens: 3, noSpeechProbability: 0.2, meanTokenProbability: 0.3,
                                   minTokenProbability: 0.1, decodeSeconds: 0.1)
        #expect(WhisperText.rejection(of: quiet, spoken: "thank you", streamingText: "", maxTokens: 20) != nil)
        let sure = WhisperOutcome(status: .ok, text: "Thank you.", tokens: 3, noSpeechProbability: 0.01, meanTokenProbability: 0.9,
                                  minTokenProbability: 0.8, decodeSeconds: 0.1)
        #expect(WhisperText.rejection(of: sure, spoken: "thank you", streamingText: "thank you", maxTokens: 20) == nil)
        #expect(WhisperText.rejection(of: sure, spoken: "the the the the the", streamingText: "the", maxTokens: 20) != nil)
        #expect(WhisperText.rejection(of: sure, spoken: "book it", streamingText: "book it", maxTokens: 3) != nil, "token cap")
    }

    @Test("a capped decode looping on a digit string gives the string once; no loop, no change")
    func digitLoops() {
        #expect(WhisperText.collapsingDigitLoop(" 1 0 4 3 1 1 0 4 3 1 1 0 4 3 1 1 0 1 1 0 4") == "1 0 4 3 1")
        #expect(WhisperText.collapsingDigitLoop("My order is 2 7 7 1 9, 2 7 7 1 9, 2 7") == "My order is 2 7 7 1 9")
        #expect(WhisperText.collapsingDigitLoop("It's 6 0 2 1 5 8 3") == nil)
        #expect(WhisperText.collapsingDigitLoop("1 2 1 2") == nil, "too short to be a loop")
        #expect(WhisperText.collapsingDigitLoop("I need to change the delivery address") == nil)
    }

    @Test("a phrase said twice in a row without a break is said once; digit strings and short echoes stay")
    func phraseRepeats() {
        #expect(WhisperText.collapsingPhraseRepeat(" Actually no, I'll keep it, actually no, I'll keep it.") == "Actually no, I'll keep it,")
        #expect(WhisperText.collapsingPhraseRepeat("15 Station Road, Springfield, 15 Station Road, Springfield")
            == "15 Station Road, Springfield,")
        #expect(WhisperText.collapsingPhraseRepeat("I want to book I want to book an appointment on Tuesday") == "I want to book an appointment on Tuesday")
        #expect(WhisperText.collapsingPhraseRepeat(" John Smith, John Smith, John Smith, John") == "John Smith,",
                "a loop is collapsed whole, its cut-off last copy dropped")
        #expect(WhisperText.collapsingPhraseRepeat("start return start return start return") == "start return")
        #expect(WhisperText.collapsingPhraseRepeat("John Smith, John Smith") == "John Smith, John Smith", "two words said twice may be the caller's")
        #expect(WhisperText.collapsingPhraseRepeat("no no no no") == "no no no no", "one word again and again")
        #expect(WhisperText.collapsingPhraseRepeat("Bee bee bee bee bee bee bee") == "Bee bee bee bee bee bee bee",
                "one word over and over stays a runaway for the guards")
        #expect(WhisperText.collapsingPhraseRepeat(" Yes, that's right.") == " Yes, that's right.", "nothing repeated: the text as it was")
        #expect(WhisperText.collapsingPhraseRepeat("1 0 4 2 7 1 0 4 2 7") == "1 0 4 2 7 1 0 4 2 7", "a number read twice")
        #expect(WhisperText.collapsingPhraseRepeat("I'd like to book an appointment on Tuesday at three thirty")
            == "I'd like to book an appointment on Tuesday at three thirty")
    }

    @Test("written forms become spoken words: times, abbreviations, money")
    func spokenForms() {
        #expect(WhisperText.spoken("At 10:30, with Dr. Patel.") == "at ten thirty with doctor patel")
        #expect(WhisperText.spoken("Can we do 10.30?") == "can we do ten thirty")
        #expect(WhisperText.spoken("I'll come at 1030.") == "i'll come at ten thirty")
        #expect(WhisperText.spoken("2 p.m. works") == "two pm works")
        #expect(WhisperText.spoken("Order 10427 cost $45") == "order one zero four two seven cost forty five dollars")
        #expect(WhisperText.spoken("Born in 1990") == "born in nineteen ninety")
        // A month written short is the month said in full; "Jun" alone (a name) and "mar" (a verb) stay.
        #expect(WhisperText.spoken("30th of Jan. 9, 1985") == "thirtieth of january ninth nineteen eighty five")
        #expect(WhisperText.spoken("Sept 5 works") == "september fifth works")
        #expect(WhisperText.spoken("I'm Jun, on the fifth of Mar.") == "i'm jun on the fifth of march")
        #expect(WhisperText.spoken("It may mar the day") == "it may mar the day")
        // A day's number echoed before its ordinal is said once; another number, or a word between, stays.
        #expect(WhisperText.spoken("13, the 13th of March") == "the thirteenth of march")
        #expect(WhisperText.spoken("2 the 2nd of February.") == "the second of february")
        #expect(WhisperText.spoken("21 the 21st") == "the twenty first")
        #expect(WhisperText.spoken("12 the 13th of March") == "twelve the thirteenth of march")
        #expect(WhisperText.spoken("2 of the 2nd") == "two of the second")
    }

    @Test("a homophone inside a run of spoken digits is the digit; outside one it stays a word")
    func digitHomophones() {
        #expect(WhisperText.spoken("my code is eight to one to five") == "my code is eight two one two five")
        #expect(WhisperText.spoken("three six for seven") == "three six four seven")
        #expect(WhisperText.spoken("it's one one five ate") == "it's one one five eight")
        #expect(WhisperText.spoken("we're open from nine to five") == "we're open from nine to five")
        #expect(WhisperText.spoken("a one to one session") == "a one to one session")
        #expect(WhisperText.spoken("I'd like to come in for two") == "i'd like to come in for two")
        #expect(WhisperText.spoken("two tickets for one person to see") == "two tickets for one person to see")
        // Before a clock word the homophone is the hour.
        #expect(WhisperText.spoken("I have to pm and for o'clock") == "i have two pm and four o'clock")
        #expect(WhisperText.spoken("I have to go at two pm") == "i have to go at two pm")
    }

    @Test("a missing or corrupt model is one clear line naming the file and the fix")
    func missingModel() throws {
        let missing = "/nonexistent/ggml-tiny.en.bin"
        let problem = try #require(WhisperModel.availability(path: missing))
        #expect(problem.description.contains(missing) && problem.description.contains("make setup"))
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).bin")
        try Data("not a model".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let corrupt = try #require(WhisperModel.availability(path: bad.path))
        #expect(corrupt.description.contains(bad.path))
        // A truncated file with a valid header: whisper.cpp refuses it, and we say so.
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("trunc-\(UUID().uuidString).bin")
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: WhisperModel.defaultModelPath()))
        let head = try handle.read(upToCount: 4096) ?? Data()
        try handle.close()
        try head.write(to: truncated)
        defer { try? FileManager.default.removeItem(at: truncated) }
        #expect(throws: WhisperUnavailable.self) { _ = try WhisperModel.shared(path: truncated.path) }
    }
}

/// An end-of-turn model that always gives the same probability (the rules' veto is what is tested).
struct ConstantTurnModel: EndOfTurnModel {
    let probability: Double
    func probabilityComplete(samples16k: [Int16]) async throws -> Double { probability }
}
