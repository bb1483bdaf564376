import Audio
import Foundation
import RingsideCore
import Speech

/// Runs every prepared utterance through one listening condition and one model and measures it.
struct ConditionRun {
    var condition: AudioCondition
    var modelName: String
    var configuration: PocketSphinxConfiguration
    var vocabulary: DomainVocabulary?
    var useExpectations: Bool
    /// Whisper as the final pass (`TwoPassRecognizer`); with `prompted`, biased by the vocabulary.
    var whisper: WhisperPass? = nil
    /// The two-pass settings (the live ones unless the bench was asked for another deadline).
    var twoPass = TwoPassRecognizer.Settings()

    enum WhisperPass: Sendable { case plain, prompted }

    private struct Endpointing {
        var detector: EndpointDetector
        var delays: [Double] = []
        var premature = 0
        var missed = 0
        var trueEndErrors: [Double] = []
        var closed = false
        var cut = false
        var rules: [String: Int] = [:]
    }

    private var verbose: Bool { ProcessInfo.processInfo.environment["RINGSIDE_BENCH_VERBOSE"] != nil }

    func run(_ corpus: [PreparedUtterance]) async throws -> ConditionResult {
        let streaming = try PocketSphinxRecognizer(configuration: configuration)
        if let vocabulary { try await streaming.adapt(to: vocabulary) }
        let recognizer: any SpeechRecognizer
        if let whisper {
            let model = try WhisperModel.shared()
            let twoPass = TwoPassRecognizer(streaming: streaming, whisper: model, settings: twoPass)
            if whisper == .prompted, let vocabulary { await twoPass.bias(towards: vocabulary) }
            recognizer = twoPass
        } else {
            recognizer = streaming
        }
        // With Whisper, the silence after speech stops is fed at real speed, so that the decode
        // started at the pause has the time a live call gives it before the end of turn is decided.
        var pacing = false
        var total = WordErrorRate(errors: 0, referenceWords: 0)
        var byVoice: [String: WordErrorRate] = [:]
        var byCategory: [String: WordErrorRate] = [:]
        var compute = Duration.zero
        var audioSeconds = 0.0
        var finalLatencies: [Double] = []
        var maxFrame = Duration.zero
        var fixedStats = Endpointing(detector: EndpointDetector(policy: .fixed))
        var adaptiveStats = Endpointing(detector: EndpointDetector(policy: .adaptive))
        var speculativeHits = 0
        var vadHits = (energy: 0, speex: 0, frames: 0)
        var interpreted = (right: 0, total: 0)
        var transcripts: [UtteranceTranscript] = []
        let clock = ContinuousClock()
        // One speexdsp state per condition: it prints a notice on every creation, and adapts anyway.
        let speex = try SpeexPreprocessor(rate: condition.isNarrowband ? .hz8000 : .hz16000)

        for (index, p) in corpus.enumerated() {
            let u = p.utterance
            let frames = try condition.apply(to: p.samples, speechPower: p.speechPower, seed: UInt64(1000 + index))
            audioSeconds += Double(frames.count) * 0.02
            let energy = EnergyVAD()
            fixedStats.detector.reset(expecting: u.expectation)
            adaptiveStats.detector.reset(expecting: u.expectation)
            fixedStats.closed = false
            adaptiveStats.closed = false
            fixedStats.cut = false
            adaptiveStats.cut = false
            try await recognizer.beginUtterance(expecting: useExpectations ? u.expectation : nil)
            var partial = ""
            var speculative: String?
            var result: RecognitionResult?
            pacing = false
            for (i, frame) in frames.enumerated() {
                let started = clock.now
                if pacing, whisper != nil, result == nil { try await Task.sleep(for: .milliseconds(20)) }
                if result == nil, let part = try await recognizer.accept(frame) { partial = part.text }
                let took = clock.now - started
                compute += took
                maxFrame = max(maxFrame, took)
                let speech = energy.isSpeech(frame)
                let label = i < p.labels.count ? p.labels[i] : false
                vadHits.frames += 1
                if speech == label { vadHits.energy += 1 }
                if speex.isSpeech(frame) == label { vadHits.speex += 1 }
                adaptiveStats.detector.update(partial: partial)
                for event in fixedStats.detector.process(frameStart: frame.timestamp, isSpeech: speech) {
                    score(event, truth: p.trueEnd, into: &fixedStats)
                }
                var closeNow = false
                for event in adaptiveStats.detector.process(frameStart: frame.timestamp, isSpeech: speech) {
                    if case let .speechStopped(trueEnd, _) = event {
                        if result == nil { await recognizer.notePause(trueEnd: trueEnd) }
                        pacing = true
                    }
                    if case .speechStarted = event, result == nil {
                        await recognizer.noteResumed()
                        pacing = false
                    }
                    if case let .speechStopped(trueEnd, _) = event, abs((trueEnd - p.trueEnd).milliseconds) <= 100 { speculative = partial }
                    if case let .endOfTurn(te, decided, rule) = event, decided < p.trueEnd, !adaptiveStats.cut, verbose {
                        FileHandle.standardError.write(Data("[\(condition.rawValue)] cut (\(rule)) \(u.category) at \(te) of \(p.trueEnd) after '\(partial)'\n".utf8))
                    }
                    if score(event, truth: p.trueEnd, into: &adaptiveStats) { closeNow = true }
                }
                if closeNow && result == nil {
                    let asked = clock.now
                    result = try await recognizer.endUtterance()
                    let latency = clock.now - asked
                    compute += latency
                    finalLatencies.append(latency.milliseconds)
                }
                if result != nil && fixedStats.closed { break }
            }
            if !fixedStats.closed { fixedStats.missed += 1 }
            if result == nil {
                adaptiveStats.missed += 1
                let asked = clock.now
                result = try await recognizer.endUtterance()
                finalLatencies.append((clock.now - asked).milliseconds)
            }
            let final = result?.text ?? ""
            let wer = WordErrorRate(reference: u.text, hypothesis: final)
            total = total + wer
            transcripts.append(UtteranceTranscript(id: u.id, voice: u.voice, category: u.category, reference: u.text, hypothesis: final))
            byVoice[u.voice, default: WordErrorRate(errors: 0, referenceWords: 0)] = byVoice[u.voice, default: WordErrorRate(errors: 0, referenceWords: 0)] + wer
            byCategory[u.category, default: WordErrorRate(errors: 0, referenceWords: 0)] = byCategory[u.category, default: WordErrorRate(errors: 0, referenceWords: 0)] + wer
            if let speculative, TranscriptNormalizer.normalize(speculative) == TranscriptNormalizer.normalize(final) { speculativeHits += 1 }
            if let e = u.expectation, useExpectations, e == .yesNo || { if case .digits = e { return true }; return false }() {
                interpreted.total += 1
                if result?.interpretation == ExpectationInterpreter.interpret(u.text, as: e) { interpreted.right += 1 }
            }
            if verbose, wer.errors > 0 {
                FileHandle.standardError.write(Data("[\(condition.rawValue)/\(modelName)] \(u.voice) ref: \(u.text)\n    hyp: \(final)\n".utf8))
            }
        }
        let n = Double(corpus.count)
        return ConditionResult(
            condition: condition.rawValue, model: modelName, utterances: corpus.count, wer: total.rate,
            werByVoice: byVoice.mapValues(\.rate), werByCategory: byCategory.mapValues(\.rate),
            realTimeFactor: compute.seconds / max(audioSeconds, 1e-9),
            finalLatencyMs: Percentiles(finalLatencies), maxFrameMs: maxFrame.milliseconds,
            fixedEndpoint: figures(fixedStats, n: n), adaptiveEndpoint: figures(adaptiveStats, n: n),
            speculativeCorrect: Double(speculativeHits) / n,
            vadFrameAccuracyEnergy: Double(vadHits.energy) / Double(max(1, vadHits.frames)),
            vadFrameAccuracySpeex: Double(vadHits.speex) / Double(max(1, vadHits.frames)),
            interpretationAccuracy: interpreted.total > 0 ? Double(interpreted.right) / Double(interpreted.total) : nil,
            transcripts: transcripts)
    }

    /// Scores an end-of-turn decision; returns true when it closed the real end of the turn.
    @discardableResult
    private func score(_ event: EndpointEvent, truth: MediaTime, into stats: inout Endpointing) -> Bool {
        guard case let .endOfTurn(trueEnd, decidedAt, rule) = event, !stats.closed else { return false }
        if decidedAt < truth {
            // The caller was cut off in a pause. Count it once; keep listening for the real end
            // (so the transcript stays comparable) but leave this utterance out of the delays.
            if !stats.cut { stats.premature += 1 }
            stats.cut = true
            return false
        }
        stats.closed = true
        stats.rules[rule.description, default: 0] += 1
        if stats.cut { return true }
        stats.delays.append((decidedAt - trueEnd).milliseconds)
        stats.trueEndErrors.append(abs((trueEnd - truth).milliseconds))
        return true
    }

    private func figures(_ s: Endpointing, n: Double) -> EndpointFigures {
        EndpointFigures(delayMs: Percentiles(s.delays), prematureRate: Double(s.premature) / n, missed: s.missed,
                        rules: s.rules, trueEndErrorMs: s.trueEndErrors.isEmpty ? 0 : s.trueEndErrors.reduce(0, +) / Double(s.trueEndErrors.count))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}
