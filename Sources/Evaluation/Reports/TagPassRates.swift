import Foundation

/// Pass rate, task success and misunderstandings per scenario tag, so that a held-out set (tagged
/// `generalisation`) is read apart from the tuning library it runs beside.
public struct TagPassRates: Sendable, Equatable {
    /// One tag's figures over the runs that carry it.
    public struct Row: Sendable, Equatable {
        public var tag: String
        public var runs: Int
        public var passed: Int
        /// Runs whose task succeeded, of the graded runs (harness errors left out).
        public var taskSuccesses: Int
        public var graded: Int
        /// Turns counted as misunderstood, over all its runs.
        public var misunderstandings: Int

        public var passRate: Double { runs == 0 ? 0 : Double(passed) / Double(runs) }
        public var taskSuccessRate: Double { graded == 0 ? 0 : Double(taskSuccesses) / Double(graded) }
    }

    /// By tag name; untagged runs are not counted.
    public var rows: [Row]

    public init(_ results: [ScenarioRunResult]) {
        var byTag: [String: Row] = [:]
        for r in results {
            for tag in Set(r.tags) {
                var row = byTag[tag] ?? Row(tag: tag, runs: 0, passed: 0, taskSuccesses: 0, graded: 0, misunderstandings: 0)
                row.runs += 1
                if r.verdict == .pass { row.passed += 1 }
                if r.verdict != .error {
                    row.graded += 1
                    if r.metrics.taskSuccess { row.taskSuccesses += 1 }
                }
                row.misunderstandings += r.metrics.misunderstandings ?? 0
                byTag[tag] = row
            }
        }
        rows = byTag.values.sorted { $0.tag < $1.tag }
    }

    /// The plain-text table for the terminal.
    public func text() -> String {
        let width = max(14, (rows.map(\.tag.count).max() ?? 0) + 2)
        var out = "tag".padding(toLength: width, withPad: " ", startingAt: 0) + " runs  passed  pass rate  task success  misunderstandings\n"
        for row in rows {
            out += row.tag.padding(toLength: width, withPad: " ", startingAt: 0)
            out += String(row.runs).leftPadded(5) + String(row.passed).leftPadded(8)
            out += String(format: "%10.0f%%", row.passRate * 100) + String(format: "%13.0f%%", row.taskSuccessRate * 100)
            out += String(row.misunderstandings).leftPadded(19) + "\n"
        }
        return out
    }

    /// The same table as HTML.
    public func html() -> String {
        var h = "<table><tr><th>tag</th><th>runs</th><th>passed</th><th>pass rate</th><th>task success</th><th>misunderstandings</th></tr>\n"
        for row in rows {
            h += "<tr><td>\(XMLText.escape(row.tag))</td><td>\(row.runs)</td><td>\(row.passed)</td>"
            h += String(format: "<td>%.0f%%</td><td>%.0f%%</td>", row.passRate * 100, row.taskSuccessRate * 100)
            h += "<td>\(row.misunderstandings)</td></tr>\n"
        }
        return h + "</table>"
    }
}
