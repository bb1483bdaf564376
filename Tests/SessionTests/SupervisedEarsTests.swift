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
}
