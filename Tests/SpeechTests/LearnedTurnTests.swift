import Foundation
import RingsideCore
import Testing
@testable import Speech

/// The listener deciding the end of turn with Smart Turn (the real model), the rules as a second opinion.
@Suite(.serialized) struct LearnedTurnTests {
    /// A model that always fails, to see the listener fall back to the rules.
    struct BrokenModel: EndOfTurnModel {
        struct Failure: Error, CustomStringConvertible { var description: String { "server gone" } }
        func probabilityComplete(samples16k: [Int16]) async throws -> Double { throw Failure() }
    }

    /// Feeds `samples` then 2 s of silence; returns the end-of-turn event (time, rule) and any error text.
    static func listen(_ samples: [Int16], learned: LearnedTurnDetection?) async throws -> (end: MediaTime?, rule: String?, trueEnd: MediaTime?, errors: [String]) {
        let listener = SpeechListener(recognizer: try PocketSphinxRecognizer(configuration: .standard()), vad: EnergyVAD())
        listener.learnedTurn = learned
        var end: MediaTime?, rule: String?, trueEnd: MediaTime?, errors: [String] = []
        for frame in AudioFrame.frames(from: samples + [Int16](repeating: 0, count: 32_000), rate: .hz16000) {
            for e in try await listener.process(frame) {
                switch e.payload {
                case let .endOfTurn(te, r) where end == nil: end = e.time; rule = r.description; trueEnd = te
                case let .error(message): errors.append(message)
                default: break
                }
            }
            if end != nil { break }
        }
        return (end, rule, trueEnd, errors)
    }

    @Test func aFinishedTurnEndsAtTheFirstShortPauseAndAHesitationWaits() async throws {
        let model = try SmartTurnModel()
        defer { model.close() }
        let finished = try await SmartTurnTests.turn("Could you send me a reminder by text message?")
        // The model alone (the rules read pocketsphinx's partial, which may end on any word).
        let smart = try await Self.listen(finished, learned: LearnedTurnDetection(model: model, rules: false))
        let rules = try await Self.listen(finished, learned: nil)
        let smartDelay = try #require(smart.end) - (try #require(smart.trueEnd))
        let rulesDelay = try #require(rules.end) - (try #require(rules.trueEnd))
        #expect(smart.rule?.hasPrefix("smart turn") == true, "rule \(smart.rule ?? "none")")
        #expect(smartDelay <= .milliseconds(260), "decided \(smartDelay.milliseconds) ms after the end")
        #expect(smartDelay < rulesDelay, "smart \(smartDelay.milliseconds) ms, rules \(rulesDelay.milliseconds) ms")

        // A turn trailing off in "um": the model says not finished (and the rules agree), so no early end.
        let hesitant = try await SmartTurnTests.turn("I want to cancel my, um")
        let waited = try await Self.listen(hesitant, learned: LearnedTurnDetection(model: model, rules: false))
        if let end = waited.end, let te = waited.trueEnd {
            #expect(end - te >= .milliseconds(600), "ended \((end - te).milliseconds) ms after a hesitation by \(waited.rule ?? "?")")
            #expect(waited.rule?.hasPrefix("smart turn") != true)
        }
    }

    @Test func aFailingModelIsReportedOnceAndTheRulesCarryOn() async throws {
        let finished = try await SmartTurnTests.turn("My name is John Smith.")
        let result = try await Self.listen(finished, learned: LearnedTurnDetection(model: BrokenModel()))
        #expect(result.errors.count == 1, "\(result.errors)")
        #expect(result.errors.first?.contains("server gone") == true)
        let rule = try #require(result.rule, "the turn never ended")
        #expect(!rule.hasPrefix("smart turn"))
    }
}
