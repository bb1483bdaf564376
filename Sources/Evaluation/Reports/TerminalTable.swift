import Foundation
import RingsideCore

/// The plain-text table `ringside test` prints at the end: one row per scenario × run, then the summary.
public enum TerminalTable {
    public static func render(_ report: TestReport) -> String {
        let nameWidth = max(20, (report.results.map(\.name.count).max() ?? 0) + 1)
        let costs = report.costs
        var out = "scenario".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "verdict  turns  call s  v2v p95  "
        out += costs == nil ? "reason\n" : "     cost  reason\n"
        for r in report.results {
            out += r.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            out += r.verdict.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0)
            out += String(r.metrics.turns).leftPadded(5) + String(format: "%8.1f", r.metrics.durationSeconds)
            out += String(format: "%9.0f", r.metrics.voiceToVoiceP95 ?? 0) + "  "
            if let costs { out += costs.format(costs.perRun[r.name]).leftPadded(9) + "  " }
            out += String(r.firstReason.prefix(110)) + "\n"
        }
        let s = report.summary
        out += "\n\(s.passed) passed, \(s.failed) failed, \(s.errors) errors of \(s.runs) runs"
        out += String(format: " · task success %.0f%%", s.taskSuccessRate * 100)
        if let w = s.callerWER { out += String(format: " · caller WER %.1f%%", w * 100) }
        out += String(format: " · v2v p50 %.0f / p95 %.0f / max %.0f ms", s.voiceToVoice.p50, s.voiceToVoice.p95, s.voiceToVoice.max)
        out += String(format: "\nwall %.1f s for %.1f s of calls (%.1f× real time)\n", s.wallSeconds, s.callSeconds, s.speedUp)
        let stages = LatencyStage.allCases.map { stage in (stage, Percentiles(report.results.flatMap { $0.metrics.stageMs?[stage.rawValue] ?? [] })) }
        if stages.contains(where: { $0.1.count > 0 }) {
            out += "stage p50/p95 ms: " + stages.map { "\($0.0.label) \(Int($0.1.p50.rounded()))/\(Int($0.1.p95.rounded()))" }.joined(separator: " · ") + "\n"
        }
        if let c = costs {
            out += "estimated cost: \(c.format(c.perCall)) per call · \(c.format(c.perResolvedCall)) per resolved call (\(c.resolvedCalls))"
            out += " · \(c.format(c.perEscalatedCall)) per escalated call (\(c.escalatedCalls)) · \(c.format(c.total)) in all\n"
        }
        let tags = TagPassRates(report.results)
        if !tags.rows.isEmpty { out += "\n" + tags.text() }
        for r in report.regressions { out += "REGRESSION: \(r)\n" }
        return out
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
