import Audio
import RingsideCore
import Testing
@testable import Speech

@Suite("pocketsphinx recogniser")
struct RecognizerTests {
    @Test("a flite sentence in 20 ms frames yields partials before a final with WER ≤ 20 %")
    func partialsThenFinal() async throws {
        let text = "I would like to book an appointment for next Tuesday at three in the afternoon"
        let frames = try await SpeechFixtures.speak(text, voice: "rms")
        let tail = SpeechFixtures.silence(200, start: .milliseconds(Double(frames.count * 20)))
        let (partials, final) = try await SpeechFixtures.recognise(frames + tail, with: try SpeechFixtures.recognizer())
        #expect(partials.count >= 3)
        #expect(partials.first.map { $0.audioTime < final.audioEnd - .milliseconds(500) } == true)
        let wer = WordErrorRate(reference: text, hypothesis: final.text)
        #expect(wer.rate <= 0.2, "final '\(final.text)' has WER \(wer.rate)")
        #expect(final.confidence > 0 && final.confidence <= 1)
        #expect(final.words.count >= 8)
        if let first = final.words.first, let last = final.words.last { #expect(first.start < last.end) }
    }

    @Test("partials come at least ten times a second while speech lasts")
    func partialRate() async throws {
        let frames = try await SpeechFixtures.speak("my order number is four two seven one nine", voice: "awb")
        let r = try SpeechFixtures.recognizer()
        try await r.beginUtterance(expecting: nil)
        var times: [MediaTime] = []
        for f in frames { if try await r.accept(f) != nil { times.append(f.timestamp) } }
        _ = try await r.endUtterance()
        let first = try #require(times.first)
        let span = (frames.last?.timestamp ?? .zero) - first
        #expect(Double(times.count) / span.seconds >= 10)
    }

    @Test("telephone-rate frames (8 kHz) are accepted and recognised")
    func narrowbandFrames() async throws {
        let text = "yes that is correct"
        let frames = try await SpeechFixtures.speak(text, voice: "rms", rate: .hz8000)
        let (_, final) = try await SpeechFixtures.recognise(frames, with: try SpeechFixtures.recognizer())
        #expect(WordErrorRate(reference: text, hypothesis: final.text).rate <= 0.5, "got '\(final.text)'")
    }

    @Test("accept before beginUtterance is a typed error")
    func acceptOutsideUtterance() async throws {
        let r = try SpeechFixtures.recognizer()
        await #expect(throws: SpeechSetupError.self) { _ = try await r.accept(.silence(rate: .hz16000, at: .zero)) }
    }
}
