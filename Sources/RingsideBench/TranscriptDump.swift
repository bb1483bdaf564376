import Foundation
import Speech

/// One row of `ringside-bench speech --dump-errors`: every utterance's reference and final, so that
/// the errors can be read and the row scored again after the normaliser changes (`--rescore`).
struct TranscriptDump: Codable, Sendable {
    var condition: String
    var model: String
    var transcripts: [UtteranceTranscript]

    /// WER per row and per voice, by the scorer (`TranscriptNormalizer.scoring`) and by `normalize`
    /// alone (the scorer before contractions, titles and clock times were read alike), then each
    /// utterance the scorer still counts wrong, scored reference beside scored final.
    static func render(_ rows: [TranscriptDump]) -> String {
        let zero = WordErrorRate(errors: 0, referenceWords: 0)
        var lines: [String] = []
        for row in rows {
            var total = zero, normalized = zero
            var byVoice: [String: WordErrorRate] = [:]
            for t in row.transcripts {
                let wer = WordErrorRate(reference: t.reference, hypothesis: t.hypothesis)
                total = total + wer
                normalized = normalized + WordErrorRate(reference: TranscriptNormalizer.normalize(t.reference), hypothesis: TranscriptNormalizer.normalize(t.hypothesis))
                byVoice[t.voice] = (byVoice[t.voice] ?? zero) + wer
            }
            lines.append("\(SpeechBenchTable.pad(row.condition + " / " + row.model, 44)) WER \(SpeechBenchTable.pct(total.rate)) (\(total.errors)/\(total.referenceWords)), "
                         + "normalize alone \(SpeechBenchTable.pct(normalized.rate)) (\(normalized.errors)/\(normalized.referenceWords))  "
                         + byVoice.keys.sorted().map { "\($0) \(SpeechBenchTable.pct(byVoice[$0]?.rate ?? 0))" }.joined(separator: "  "))
        }
        for row in rows {
            lines.append("")
            lines.append("\(row.condition) / \(row.model):")
            for t in row.transcripts {
                let wer = WordErrorRate(reference: t.reference, hypothesis: t.hypothesis)
                guard wer.errors > 0 else { continue }
                lines.append("  #\(t.id) \(t.voice) \(t.category) (\(wer.errors))")
                lines.append("    ref: \(TranscriptNormalizer.scoring(t.reference).joined(separator: " "))")
                lines.append("    hyp: \(TranscriptNormalizer.scoring(t.hypothesis).joined(separator: " "))   [\(t.hypothesis)]")
            }
        }
        return lines.joined(separator: "\n")
    }
}
