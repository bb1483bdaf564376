import Foundation

/// Renders the speech benchmark report as plain-text tables.
enum SpeechBenchTable {
    static func render(_ r: SpeechBenchReport) -> String {
        func pct(_ x: Double) -> String { String(format: "%5.1f%%", x * 100) }
        func ms(_ x: Double) -> String { String(format: "%4.0f", x) }
        var lines: [String] = []
        lines.append("Speech bench: \(r.corpusSize) utterances, voices \(r.voices.joined(separator: ",")), \(String(format: "%.0f", r.seconds)) s")
        lines.append("")
        lines.append("condition           model          WER    RTF   final p50/p95 ms  fixed500: delay mean/p95 cut   turn detector: delay mean/p95 cut  spec.ok  VAD energy/speex")
        for c in r.conditions {
            let f = c.fixedEndpoint, a = c.adaptiveEndpoint
            lines.append(String(format: "%-19@ %-13@ %@  %.2f   %@ / %@          %@ / %@ %@      %@ / %@ %@        %@    %@ / %@",
                                c.condition as NSString, c.model as NSString, pct(c.wer) as NSString, c.realTimeFactor,
                                ms(c.finalLatencyMs.p50) as NSString, ms(c.finalLatencyMs.p95) as NSString,
                                ms(f.delayMs.mean) as NSString, ms(f.delayMs.p95) as NSString, pct(f.prematureRate) as NSString,
                                ms(a.delayMs.mean) as NSString, ms(a.delayMs.p95) as NSString, pct(a.prematureRate) as NSString,
                                pct(c.speculativeCorrect) as NSString, pct(c.vadFrameAccuracyEnergy) as NSString, pct(c.vadFrameAccuracySpeex) as NSString))
        }
        lines.append("")
        lines.append("WER by voice:")
        for c in r.conditions {
            lines.append("  \(c.condition) / \(c.model): " + c.werByVoice.keys.sorted().map { "\($0) \(pct(c.werByVoice[$0] ?? 0))" }.joined(separator: "  "))
        }
        lines.append("WER by category (first condition):")
        if let c = r.conditions.first {
            lines.append("  " + c.werByCategory.keys.sorted().map { "\($0) \(pct(c.werByCategory[$0] ?? 0))" }.joined(separator: "  "))
        }
        for c in r.conditions where c.interpretationAccuracy != nil {
            lines.append("expectation read-back (digits, yes/no) \(c.condition) / \(c.model): \(pct(c.interpretationAccuracy ?? 0))")
        }
        if let d = r.domainModelBuildMs { lines.append(String(format: "domain model build: %.0f ms", d)) }
        lines.append("")
        lines.append("TTS             first chunk p50/p95 ms   RTF")
        for v in r.tts {
            lines.append(String(format: "%-9@ %-5@   %6.1f / %6.1f          %.3f", v.engine as NSString, v.voice as NSString, v.firstChunkMs.p50, v.firstChunkMs.p95, v.realTimeFactor))
        }
        return lines.joined(separator: "\n")
    }
}
