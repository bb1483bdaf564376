import Foundation
import RingsideCore

/// One self-contained HTML page: the summary, the voice-to-voice distribution as an inline SVG
/// histogram, each latency stage's p50/p95 as an inline SVG chart (and each run's median turn as a
/// small stacked bar), and every run's transcript with tool traces and verdict reasons.
public enum HTMLReport {
    public static func html(_ report: TestReport) -> String {
        let s = report.summary
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Ringside test report</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}
            .pass{color:#17803d}.fail{color:#b42318}.error{color:#b54708}
            details{margin:.5em 0;border:1px solid #ddd;border-radius:4px;padding:.3em .8em}
            .who{font-weight:600;width:5em}.t{color:#888;width:4em}.tool td{color:#555;font-family:monospace}
            </style></head><body>
            <h1>Ringside test report</h1>

            """
        h += "<p>\(s.runs) runs: <span class=pass>\(s.passed) passed</span>, <span class=fail>\(s.failed) failed</span>, <span class=error>\(s.errors) errors</span>. "
        h += "Target: \(XMLText.escape(report.target)). Wall time \(fmt(s.wallSeconds)) s for \(fmt(s.callSeconds)) s of calls (\(fmt(s.speedUp))×).</p>\n"
        h += "<table><tr><th>metric</th><th>value</th></tr>\n"
        let rows: [(String, String)] = [
            ("task success", pct(s.taskSuccessRate)), ("tool precision", pct(s.toolPrecision)), ("tool recall", pct(s.toolRecall)),
            ("argument accuracy", pct(s.argumentAccuracy)), ("escalation accuracy", pct(s.escalationAccuracy)),
            ("approval handling", pct(s.approvalAccuracy)), ("caller WER", pct(s.callerWER)),
            ("voice-to-voice p50 / p95 / max", "\(fmt(s.voiceToVoice.p50)) / \(fmt(s.voiceToVoice.p95)) / \(fmt(s.voiceToVoice.max)) ms"),
            ("barge-ins, yield p95", "\(s.bargeIns), \(fmt(s.bargeInYield.p95)) ms"),
        ]
        var allRows = rows
        if let c = report.costs {
            allRows += [("estimated cost per call", c.format(c.perCall)),
                        ("per resolved call", "\(c.format(c.perResolvedCall)) (\(c.resolvedCalls) resolved)"),
                        ("per escalated call", "\(c.format(c.perEscalatedCall)) (\(c.escalatedCalls) escalated)"),
                        ("in all", c.format(c.total))]
        }
        for (k, v) in allRows { h += "<tr><td>\(k)</td><td>\(v)</td></tr>\n" }
        h += "</table>\n"
        if !report.regressions.isEmpty {
            h += "<h2 class=fail>Regressions</h2><ul>" + report.regressions.map { "<li>\(XMLText.escape($0))</li>" }.joined() + "</ul>\n"
        }
        let tags = TagPassRates(report.results)
        if !tags.rows.isEmpty { h += "<h2>By tag</h2>\n" + tags.html() + "\n" }
        h += "<h2>Voice-to-voice latency</h2>\n" + histogram(report.results.flatMap(\.metrics.voiceToVoiceMs)) + "\n"
        h += "<h2>Where the time goes</h2>\n" + stageChart(report.results) + "\n"
        h += "<h2>Scenarios</h2>\n<table><tr><th>scenario</th><th>verdict</th><th>turns</th><th>p95 ms</th><th>median turn by stage</th>\(report.costs == nil ? "" : "<th>cost</th>")<th>first reason</th></tr>\n"
        for r in report.results {
            h += "<tr><td><a href=\"#\(anchor(r))\">\(XMLText.escape(r.name))</a></td><td class=\(r.verdict.rawValue)>\(r.verdict.rawValue)</td>"
            h += "<td>\(r.metrics.turns)</td><td>\(fmt(r.metrics.voiceToVoiceP95 ?? 0))</td><td>\(stageBar(r.metrics.stageMs))</td>"
            if let c = report.costs { h += "<td>\(XMLText.escape(c.format(c.perRun[r.name])))</td>" }
            h += "<td>\(XMLText.escape(r.firstReason))</td></tr>\n"
        }
        h += "</table>\n"
        for r in report.results {
            h += "<details id=\"\(anchor(r))\"\(r.verdict == .pass ? "" : " open")><summary><b>\(XMLText.escape(r.name))</b> "
            h += "<span class=\(r.verdict.rawValue)>\(r.verdict.rawValue)</span> — \(XMLText.escape(r.description))</summary>\n"
            h += "<p>\(XMLText.escape(r.file)) · \(fmt(r.metrics.durationSeconds)) s · ended: \(XMLText.escape(r.endReason))"
            if let rec = r.recording { h += " · recording: <code>\(XMLText.escape(rec))</code>" }
            h += "</p>\n"
            if !r.reasons.isEmpty {
                h += "<ul class=fail>" + r.reasons.map { "<li>\(XMLText.escape($0))</li>" }.joined() + "</ul>\n"
            }
            h += "<table>\n"
            for line in r.transcript {
                h += "<tr\(line.who == .tool ? " class=tool" : "")><td class=t>\(fmt(line.time))</td><td class=who>\(XMLText.escape(line.who.rawValue))</td><td>\(XMLText.escape(line.text))</td></tr>\n"
            }
            h += "</table></details>\n"
        }
        h += "</body></html>\n"
        return h
    }

    /// An SVG histogram of latencies in 100 ms buckets.
    static func histogram(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "<p>No measured turns.</p>" }
        let bucket = 100.0
        let top = Int(((values.max() ?? 0) / bucket).rounded(.down)) + 1
        var counts = [Int](repeating: 0, count: top)
        for v in values { counts[min(top - 1, Int(v / bucket))] += 1 }
        let maxCount = max(1, counts.max() ?? 1)
        let width = 24, height = 160
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(top * width + 40)\" height=\"\(height + 40)\" role=\"img\" aria-label=\"voice-to-voice histogram\">\n"
        for (i, c) in counts.enumerated() {
            let bar = Int(Double(height) * Double(c) / Double(maxCount))
            svg += "<rect x=\"\(20 + i * width)\" y=\"\(10 + height - bar)\" width=\"\(width - 2)\" height=\"\(bar)\" fill=\"#3b82f6\"><title>\(i * 100)–\(i * 100 + 99) ms: \(c)</title></rect>\n"
            if i % 5 == 0 { svg += "<text x=\"\(20 + i * width)\" y=\"\(height + 28)\" font-size=\"10\">\(i * 100)</text>\n" }
        }
        svg += "<text x=\"\(20 + top * width - 20)\" y=\"\(height + 28)\" font-size=\"10\">ms</text>\n</svg>"
        return svg
    }

    /// Stage colours, in `LatencyStage` order (the call screen's stage colours).
    static let stageColours = ["#8b5cf6", "#06b6d4", "#f59e0b", "#ef4444", "#22c55e", "#64748b"]

    /// Per stage, p50 and p95 of its milliseconds over every answered turn of every run, as paired
    /// horizontal bars with a legend, and a table of the same figures.
    static func stageChart(_ results: [ScenarioRunResult]) -> String {
        let stages = LatencyStage.allCases
        let figures = stages.map { stage in Percentiles(results.flatMap { $0.metrics.stageMs?[stage.rawValue] ?? [] }) }
        guard figures.contains(where: { $0.count > 0 }) else { return "<p>No measured turns.</p>" }
        let scale = max(1, figures.map(\.p95).max() ?? 1)
        let width = 420.0, row = 34
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width) + 200)\" height=\"\(stages.count * row + 20)\" role=\"img\" aria-label=\"per-stage latency\">\n"
        for (i, (stage, p)) in zip(stages, figures).enumerated() {
            let y = 10 + i * row
            let w50 = width * p.p50 / scale, w95 = width * p.p95 / scale
            svg += "<text x=\"0\" y=\"\(y + 12)\" font-size=\"12\">\(stage.label)</text>\n"
            svg += "<rect x=\"80\" y=\"\(y)\" width=\"\(fmt(w95))\" height=\"8\" fill=\"\(stageColours[i])\" opacity=\"0.45\"><title>\(stage.label) p95 \(fmt(p.p95)) ms</title></rect>\n"
            svg += "<rect x=\"80\" y=\"\(y + 10)\" width=\"\(fmt(w50))\" height=\"8\" fill=\"\(stageColours[i])\"><title>\(stage.label) p50 \(fmt(p.p50)) ms</title></rect>\n"
            svg += "<text x=\"\(Int(width) + 90)\" y=\"\(y + 14)\" font-size=\"11\">p50 \(fmt(p.p50)) · p95 \(fmt(p.p95)) ms</text>\n"
        }
        svg += "</svg>"
        var table = "<table><tr><th>stage</th><th>turns</th><th>p50 ms</th><th>p95 ms</th><th>max ms</th></tr>\n"
        for (stage, p) in zip(stages, figures) {
            table += "<tr><td>\(stage.label)</td><td>\(p.count)</td><td>\(fmt(p.p50))</td><td>\(fmt(p.p95))</td><td>\(fmt(p.max))</td></tr>\n"
        }
        return svg + "\n<p>Pale bar: p95; full bar: p50, over every answered turn.</p>\n" + table + "</table>"
    }

    /// One run's median answered turn as a small stacked bar of its stages (200 px = 2 s).
    static func stageBar(_ stageMs: [String: [Double]]?) -> String {
        guard let stageMs, stageMs.values.contains(where: { !$0.isEmpty }) else { return "" }
        var x = 0.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"10\" role=\"img\" aria-label=\"median turn by stage\">"
        for (i, stage) in LatencyStage.allCases.enumerated() {
            let ms = Percentiles(stageMs[stage.rawValue] ?? []).p50
            guard ms > 0 else { continue }
            let w = min(200 - x, ms / 10)
            svg += "<rect x=\"\(fmt(x))\" y=\"0\" width=\"\(fmt(w))\" height=\"10\" fill=\"\(stageColours[i])\"><title>\(stage.label) \(fmt(ms)) ms</title></rect>"
            x += w
        }
        return svg + "</svg>"
    }

    private static func anchor(_ r: ScenarioRunResult) -> String { "s-" + r.name.map { $0.isLetter || $0.isNumber ? $0 : "-" } }
    private static func fmt(_ v: Double) -> String { String(format: v >= 100 ? "%.0f" : "%.1f", v) }
    private static func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
}
