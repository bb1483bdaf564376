import RingsideCore

/// Compares a run with an earlier one: scenarios that newly fail, and voice-to-voice p95 that got
/// worse by more than a margin, are regressions.
public enum BaselineComparison {
    /// `marginMs` is how much worse a scenario's p95 may get before it counts.
    public static func regressions(current: [ScenarioRunResult], baseline: [ScenarioRunResult], marginMs: Double = 100) -> [String] {
        var out: [String] = []
        let before = Dictionary(grouping: baseline, by: \.scenarioID)
        let now = Dictionary(grouping: current, by: \.scenarioID)
        for id in now.keys.sorted() {
            guard let runs = now[id], let old = before[id] else { continue }
            let failingNow = runs.contains { $0.verdict != .pass }
            let passedBefore = old.allSatisfy { $0.verdict == .pass }
            if failingNow, passedBefore {
                let first = runs.first { $0.verdict != .pass }?.firstReason ?? ""
                out.append("\(id): newly failing: \(first)")
            }
            let p95Now = Percentiles(runs.flatMap(\.metrics.voiceToVoiceMs)).p95
            let p95Before = Percentiles(old.flatMap(\.metrics.voiceToVoiceMs)).p95
            if p95Before > 0, p95Now > p95Before + marginMs {
                out.append("\(id): voice-to-voice p95 \(Int(p95Now)) ms, was \(Int(p95Before)) ms (margin \(Int(marginMs)) ms)")
            }
        }
        return out
    }
}
