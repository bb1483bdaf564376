import Audio
import RingsideCore
import Testing
import TestSupport
@testable import Speech

@Suite("endpointing and turn detection")
struct EndpointTests {
    /// Feeds frames stamped by a virtual clock that advances one frame at a time.
    static func run(_ samples: [Int16], detector: inout EndpointDetector, partials: [(until: MediaTime, text: String)] = []) -> [EndpointEvent] {
        let clock = VirtualClock()
        let vad = EnergyVAD()
        var events: [EndpointEvent] = []
        for f in AudioFrame.frames(from: samples, rate: .hz16000, start: clock.now()) {
            if let p = partials.first(where: { f.timestamp < $0.until }) { detector.update(partial: p.text) }
            events += detector.process(frameStart: f.timestamp, isSpeech: vad.isSpeech(f))
            clock.advance(by: AudioFrame.duration)
        }
        return events
    }

    @Test("end of speech is reported within one frame of the true end, under the virtual clock")
    func trueEnd() async throws {
        let lead = [Int16](repeating: 0, count: 16 * 400)
        // Cut where the voice is still clearly audible (about −40 dBFS), so "true end" is unambiguous.
        let speech = try await SpeechFixtures.speakTrimmed("yes that's right", threshold: 300)
        let samples = lead + speech + [Int16](repeating: 0, count: 16 * 1200)
        let truth = MediaTime.milliseconds(Double(lead.count + speech.count) / 16)
        var detector = EndpointDetector(policy: .adaptive)
        let events = Self.run(samples, detector: &detector, partials: [(.seconds(100), "yes that's right")])
        let started = try #require(events.compactMap { if case let .speechStarted(at) = $0 { return at } else { return nil } }.first)
        #expect(abs((started - .milliseconds(400)).milliseconds) <= 20)
        let end = try #require(events.compactMap { e -> (MediaTime, MediaTime)? in
            if case let .endOfTurn(t, d, _) = e { return (t, d) } else { return nil } }.first)
        #expect(abs((end.0 - truth).milliseconds) <= 20, "reported \(end.0), true end \(truth)")
        // A complete answer closes quickly: the complete window, not the fixed 500 ms.
        #expect((end.1 - end.0) <= TurnPolicy.adaptive.completeWindow + .milliseconds(20))
        let stopped = events.compactMap { if case let .speechStopped(t, _) = $0 { return t } else { return nil } }
        #expect(stopped.count == 1 && stopped.first == end.0)
    }

    @Test("no end of turn inside a 300 ms pause when the partial ends in a conjunction")
    func pauseAfterConjunction() async throws {
        let first = try await SpeechFixtures.speakTrimmed("I'd like to book an appointment and")
        let second = try await SpeechFixtures.speakTrimmed("for next Tuesday")
        let lead = [Int16](repeating: 0, count: 16 * 200)
        let pause = [Int16](repeating: 0, count: 16 * 300)
        let samples = lead + first + pause + second + [Int16](repeating: 0, count: 16 * 1500)
        let pauseEnd = MediaTime.milliseconds(Double(lead.count + first.count + pause.count) / 16)
        let partials: [(until: MediaTime, text: String)] = [(pauseEnd, "i'd like to book an appointment and"), (.seconds(100), "i'd like to book an appointment and for next tuesday")]

        var adaptive = EndpointDetector(policy: .adaptive)
        let events = Self.run(samples, detector: &adaptive, partials: partials)
        let turns = events.compactMap { if case let .endOfTurn(t, _, _) = $0 { return t } else { return nil } }
        #expect(turns.count == 1)
        #expect(turns.allSatisfy { $0 > pauseEnd }, "closed the turn at \(turns) inside the pause ending \(pauseEnd)")

        // Control: a short fixed window does cut the caller off in that pause.
        var short = EndpointDetector(policy: TurnPolicy(adaptive: false, window: .milliseconds(250)))
        let cut = Self.run(samples, detector: &short, partials: partials).filter { if case .endOfTurn = $0 { return true } else { return false } }
        #expect(cut.count == 2)
    }

    @Test("turn completeness reads trailing words, digits and expectations")
    func completeness() {
        #expect(TurnCompleteness.judge("i'd like to book and", expecting: nil) == .incomplete)
        #expect(TurnCompleteness.judge("my number is four two", expecting: nil) == .digitsContinuing)
        #expect(TurnCompleteness.judge("four two seven", expecting: .digits(count: 6)) == .incomplete)
        #expect(TurnCompleteness.judge("four two seven one nine two", expecting: .digits(count: 6)) == .complete)
        #expect(TurnCompleteness.judge("yes please", expecting: .yesNo) == .complete)
        #expect(TurnCompleteness.judge("um", expecting: nil) == .incomplete)
        #expect(TurnCompleteness.judge("on tuesday at nine am", expecting: nil) == .complete)
        #expect(TurnCompleteness.judge("at half past ten thirty pm", expecting: nil) == .complete)
        #expect(TurnCompleteness.judge("yes i am", expecting: nil) == .incomplete)
        #expect(TurnCompleteness.judge("", expecting: nil) == .neutral)
        // A question asked to its content word has usually been asked; one trailing off has not.
        #expect(TurnCompleteness.judge("what are your opening hours", expecting: nil) == .likelyComplete)
        #expect(TurnCompleteness.judge("what are your", expecting: nil) == .incomplete)
        #expect(TurnCompleteness.judge("what time", expecting: nil) == .neutral)
        #expect(TurnCompleteness.judge("my parcel never arrived", expecting: nil) == .neutral)
    }

    @Test("the speech listener turns frames into ordered call events with the final after end of turn")
    func listener() async throws {
        let speech = try await SpeechFixtures.speakTrimmed("yes that's right")
        let samples = [Int16](repeating: 0, count: 16 * 400) + speech + [Int16](repeating: 0, count: 16 * 1000)
        let listener = SpeechListener(recognizer: try SpeechFixtures.recognizer(), vad: EnergyVAD(), callID: "t")
        var events: [CallEvent] = []
        for f in AudioFrame.frames(from: samples, rate: .hz16000) { events += try await listener.process(f) }
        events += try await listener.flush()
        let kinds = events.map { e -> String in
            switch e.payload {
            case .speechStarted: return "started"
            case .speechStopped: return "stopped"
            case .endOfTurn: return "turn"
            case .partialTranscript: return "partial"
            case .finalTranscript: return "final"
            case .finalSource: return "source"
            default: return "other"
            }
        }
        #expect(kinds.first == "started")
        #expect(kinds.contains("partial"))
        // The final comes right after the end of turn, announced by which engine wrote it.
        #expect(kinds.suffix(3) == ["turn", "source", "final"])
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.time <= $1.time })
        if case let .finalTranscript(_, text, _) = events.last?.payload {
            #expect(WordErrorRate(reference: "yes that's right", hypothesis: text).rate <= 0.34, "got '\(text)'")
        }
    }

    @Test("live: the frames go on while the final is worked out; it comes with the first frame after it is ready, before the next utterance starts")
    func finalOffTheFrameLoop() async throws {
        let first = try await SpeechFixtures.speakTrimmed("yes that's right")
        let second = try await SpeechFixtures.speakTrimmed("and on Tuesday")
        let samples = [Int16](repeating: 0, count: 16 * 400) + first + [Int16](repeating: 0, count: 16 * 1500) + second
            + [Int16](repeating: 0, count: 16 * 1500)
        let gate = FinalGate()
        let recognizer = AlteredRecognizer(try SpeechFixtures.recognizer(), beforeFinal: { await gate.wait() })
        let listener = SpeechListener(recognizer: recognizer, vad: EnergyVAD(), callID: "t")
        listener.awaitsFinal = false
        var events: [CallEvent] = []
        var framesWhileWorking = 0
        for f in AudioFrame.frames(from: samples, rate: .hz16000) {
            let endedBefore = events.contains { if case .endOfTurn = $0.payload { true } else { false } }
            let new = try await listener.process(f)
            events += new
            if endedBefore, !gate.isOpen, !events.contains(where: { if case .finalTranscript = $0.payload { true } else { false } }) {
                framesWhileWorking += 1
                // Ten frames after the end of turn went by without a final: let the recogniser finish.
                if framesWhileWorking == 10 { gate.open() }
            }
        }
        events += try await listener.flush()
        // A listener that waits for the final on the frame that ended the turn never gets here with
        // frames processed while the gate was shut (the gate opens itself after 5 s, failing this).
        #expect(framesWhileWorking == 10)
        let kinds = events.map { e -> String in
            switch e.payload {
            case .speechStarted: return "started"
            case .endOfTurn: return "turn"
            case .finalTranscript: return "final"
            default: return "other"
            }
        }.filter { $0 != "other" }
        #expect(kinds == ["started", "turn", "final", "started", "turn", "final"], "\(kinds)")
        let finals = events.filter { if case .finalTranscript = $0.payload { true } else { false } }
        #expect(finals.map(\.turn) == [1, 2])
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.turn <= $1.turn })
    }
}
