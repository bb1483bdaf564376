import Audio
import RingsideCore
import Testing
@testable import Speech

@Suite("pocketsphinx recogniser", .serialized)
struct RecognizerTests {
    @Test("a flite sentence in 20 ms frames yields partials before a final with WER ≤ 20 %")
    func partialsThenFinal() async throws {
        let text = "I would like to book an appointment for next Tuesday at three in the afternoon"
        let frames = try await SpeechFixtures.speak(text)
        let (partials, final) = try await SpeechFixtures.recognise(frames + SpeechFixtures.silence(200, start: .seconds(Double(frames.count) * 0.02)), with: SpeechFixtures.generic)
        #expect(partials.count >= 3)
        #expect(partials.first.map { $0.audioTime < final.audioEnd } == true)
        let wer = WordErrorRate(reference: text, hypothesis: final.text)
        #expect(wer.rate <= 0.2, "final '\(final.text)' has WER \(wer.rate)")
        #expect(final.confidence > 0)
        #expect(!final.words.isEmpty)
        if let first = final.words.first, let last = final.words.last { #expect(first.start < last.end) }
    }

    @Test("telephone-rate frames (8 kHz) are accepted and recognised")
    func narrowbandFrames() async throws {
        let text = "yes that is correct"
        let frames = try await SpeechFixtures.speak(text, rate: .hz8000)
        let (_, final) = try await SpeechFixtures.recognise(frames, with: SpeechFixtures.generic)
        #expect(WordErrorRate(reference: text, hypothesis: final.text).rate <= 0.5, "got '\(final.text)'")
    }
}
