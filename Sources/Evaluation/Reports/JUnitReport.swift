import Foundation

/// JUnit XML for CI: one testsuite per agent folder, one testcase per scenario × run; a failing run
/// has a `failure` (an erroring run an `error`) whose message is the first reason.
public enum JUnitReport {
    public static func xml(_ report: TestReport) -> String {
        let groups = Dictionary(grouping: report.results) { URL(fileURLWithPath: $0.file).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent }
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"ringside\" tests=\"\(report.summary.runs)\" failures=\"\(report.summary.failed)\" errors=\"\(report.summary.errors)\" time=\"\(String(format: "%.3f", report.summary.wallSeconds))\">\n"
        for name in groups.keys.sorted() {
            let results = groups[name] ?? []
            let failures = results.filter { $0.verdict == .fail }.count
            let errors = results.filter { $0.verdict == .error }.count
            let time = results.map(\.wallSeconds).reduce(0, +)
            x += "  <testsuite name=\"\(XMLText.escape(name))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", time))\">\n"
            for r in results {
                x += "    <testcase classname=\"\(XMLText.escape(name))\" name=\"\(XMLText.escape(r.name))\" file=\"\(XMLText.escape(r.file))\" time=\"\(String(format: "%.3f", r.wallSeconds))\""
                switch r.verdict {
                case .pass:
                    x += "/>\n"
                case .fail, .error:
                    let tag = r.verdict == .fail ? "failure" : "error"
                    x += ">\n      <\(tag) message=\"\(XMLText.escape(r.firstReason))\">\(XMLText.escape(r.reasons.joined(separator: "\n")))</\(tag)>\n"
                    x += "    </testcase>\n"
                }
            }
            x += "  </testsuite>\n"
        }
        x += "</testsuites>\n"
        return x
    }
}
