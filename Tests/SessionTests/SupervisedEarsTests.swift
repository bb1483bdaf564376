import Audio
import Foundation
import RingsideCore
import Testing
@testable import Session
@testable import Speech

/// The transcribers of a supervised call search within bounds (`SupervisedCall.earSearch`) to cost
/// less CPU per bridged call; bounded, they must still hear a plain sentence.
@Suite struct SupervisedEarsTests {
    @Test func theEarsBoundedSearchStillHearsASentence() async throws {
        let recognizer = try await RecognizerPool().checkOut(agent: SupervisedCall.poolKey, search: SupervisedCall.earSearch)
        #expect(recognizer.configuration.arguments.contains("-maxhmmpf"), "\(recognizer.configuration.arguments)")
        let text = "I would like to book an appointment for next Tuesday at three in the afternoon"
        var frames: [AudioFrame] = []
        for try await frame in try FliteSynthesizer(voice: "rms").synthesize(text, rate: .hz16000, start: .zero).frames { frames.append(frame) }
        try await recognizer.beginUtterance(expecting: nil)
        for frame in frames { _ = try await recognizer.accept(frame) }
        let heard = try await recognizer.endUtterance().text
        let wer = WordErrorRate(reference: text, hypothesis: heard)
        #expect(wer.rate <= 0.2, "heard '\(heard)': WER \(wer.rate)")
    }

    /// What a G.711 leg carries: `text` spoken by flite, μ-law coded at 8 kHz, upsampled to the bridge's 16 kHz.
    static func telephoneSpeech(_ text: String, voice: String) async throws -> [AudioFrame] {
        var said: [Int16] = []
        for try await frame in try FliteSynthesizer(voice: voice).synthesize(text, rate: .hz8000, start: .zero).frames { said += frame.samples }
        let line = try Resampler.convert(G711.muLawDecode(G711.muLawEncode(said)), from: 8000, to: 16000)
        var frames: [AudioFrame] = []
        var start = 0
        while start + 320 <= line.count {
            frames.append(AudioFrame(rate: .hz16000, samples: Array(line[start..<start + 320]), timestamp: .milliseconds(Double(20 * frames.count))))
            start += 320
        }
        return frames
    }

    /// The ear of a G.711 leg, told the leg is telephone band (`SupervisedCall.hearLegs`), hears μ-law
    /// speech upsampled to 16 kHz within a WER bound, and better than the same ear told it is wideband.
    @Test func anEarToldItsLegIsTelephoneBandHearsMuLawSpeech() async throws {
        let sentences = ["Hello, you are speaking with the clinic's automated assistant. How can I help you today?",
                         "We are open from nine in the morning until five in the afternoon, Monday to Friday."]
        let pool = RecognizerPool()
        let recognizer = try await pool.checkOut(agent: SupervisedCall.poolKey, search: SupervisedCall.earSearch)
        // Each as a call of its own: a decoder's cepstral mean carries what it heard from utterance to utterance.
        func wer(narrowband: Bool) async throws -> Double {
            await recognizer.startNewCall()
            recognizer.hearTelephoneBand(narrowband)
            var total = WordErrorRate(errors: 0, referenceWords: 0)
            for sentence in sentences {
                try await recognizer.beginUtterance(expecting: nil)
                for frame in try await Self.telephoneSpeech(sentence, voice: "slt") { _ = try await recognizer.accept(frame) }
                let heard = try await recognizer.endUtterance().text
                let one = WordErrorRate(reference: sentence, hypothesis: heard)
                print("telephone band \(narrowband): heard '\(heard)' WER \(String(format: "%.3f", one.rate))")
                total = WordErrorRate(errors: total.errors + one.errors, referenceWords: total.referenceWords + one.referenceWords)
            }
            return total.rate
        }
        let wideband = try await wer(narrowband: false), narrowband = try await wer(narrowband: true)
        print("μ-law speech at 16 kHz: WER \(String(format: "%.3f", wideband)) heard as wideband, \(String(format: "%.3f", narrowband)) as telephone band")
        // 0.516 as scored since contractions count written out ("clinic's", "didn't"); 0.806 wideband.
        #expect(narrowband <= 0.55, "told telephone band: WER \(narrowband)")
        #expect(narrowband < wideband, "telephone band \(narrowband) vs wideband \(wideband)")
        // A new call starts from the configuration's band again.
        await recognizer.startNewCall()
        #expect(!recognizer.hearsTelephoneBand)
    }
}
