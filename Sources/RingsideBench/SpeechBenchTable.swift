import Foundation

/// Renders the speech benchmark report as plain-text tables.
enum SpeechBenchTable {
    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
    static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
    static func ms(_ x: Double) -> String { String(format: "%.0f", x) }

    static func render(_ r: SpeechBenchReport) -> String {
        var lines: [String] = []
        lines.append("Speech bench: \(r.corpusSize) utterances, voices \(r.voices.joined(separator: ",")), \(String(format: "%.0f", r.seconds)) s")
        lines.append("")
        let header: [(String, Int)] = [("condition", 18), ("model", 14), ("WER", 7), ("RTF", 6), ("final p50/p95 ms", 17),
                                       ("fixed 500: delay mean/p95, cut", 31), ("turn detector: delay mean/p95, cut", 35),
                                       ("spec. ok", 9), ("VAD acc energy/speex", 20)]
        lines.append(header.map { pad($0.0, $0.1) }.joined(separator: " "))
        for c in r.conditions {
            let f = c.fixedEndpoint, a = c.adaptiveEndpoint
            let cells = [c.condition, c.model, pct(c.wer), String(format: "%.2f", c.realTimeFactor),
                         "\(ms(c.finalLatencyMs.p50)) / \(ms(c.finalLatencyMs.p95))",
                         "\(ms(f.delayMs.mean)) / \(ms(f.delayMs.p95)), \(pct(f.prematureRate))",
                         "\(ms(a.delayMs.mean)) / \(ms(a.delayMs.p95)), \(pct(a.prematureRate))",
                         pct(c.speculativeCorrect), "\(pct(c.vadFrameAccuracyEnergy)) / \(pct(c.vadFrameAccuracySpeex))"]
            lines.append(zip(cells, header).map { pad($0, $1.1) }.joined(separator: " "))
        }
        lines.append("")
        lines.append("WER by voice:")
        for c in r.conditions {
            lines.append("  \(pad(c.condition + " / " + c.model, 34)) " + c.werByVoice.keys.sorted().map { "\($0) \(pct(c.werByVoice[$0] ?? 0))" }.joined(separator: "  "))
        }
        lines.append("WER by category:")
        for c in r.conditions {
            lines.append("  \(pad(c.condition + " / " + c.model, 34)) " + c.werByCategory.keys.sorted().map { "\($0) \(pct(c.werByCategory[$0] ?? 0))" }.joined(separator: "  "))
        }
        lines.append("Turn detector rules that closed turns (clean / generic): "
                     + (r.conditions.first?.adaptiveEndpoint.rules.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") ?? ""))
        for c in r.conditions where c.interpretationAccuracy != nil {
            lines.append("Expectation read-back (digits, yes/no), \(c.condition) / \(c.model): \(pct(c.interpretationAccuracy ?? 0))")
        }
        if let d = r.domainModelBuildMs { lines.append(String(format: "Domain model build (generate + install): %.0f ms", d)) }
        if let g = r.generalisation, !g.isEmpty {
            lines.append("")
            lines.append("Generalisation set (\(g.first?.utterances ?? 0) sentences and voices never tuned on):")
            for row in g {
                lines.append("  \(pad(row.voice, 16)) \(pad(row.condition, 18)) \(pad(row.engine, 13)) WER \(pct(row.wer))")
            }
        }
        if let m = r.peakResidentMB { lines.append(String(format: "Peak resident memory of the bench process: %.0f MB", m)) }
        lines.append("")
        lines.append("TTS               first chunk p50 / p95 ms   RTF")
        for v in r.tts {
            lines.append("\(pad(v.engine + " " + v.voice, 17)) \(pad(String(format: "%.1f / %.1f", v.firstChunkMs.p50, v.firstChunkMs.p95), 26)) \(String(format: "%.3f", v.realTimeFactor))")
        }
        return lines.joined(separator: "\n")
    }
}
