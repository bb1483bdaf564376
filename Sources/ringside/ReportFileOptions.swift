import ArgumentParser
import Evaluation
import Foundation

/// Where a test report is written besides the terminal: what `ringside test` and `ringside report merge` share.
struct ReportFileOptions: ParsableArguments {
    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Write the full results as JSON here (usable later as --baseline, --shard-timings or a shard to merge).")
    var json: String?

    @Option(help: "Write a self-contained HTML report here.")
    var html: String?

    /// Writes each report asked for; a file that cannot be written is one line on stderr and exit 2.
    func write(_ report: TestReport) throws {
        do {
            if let junit { try JUnitReport.xml(report).write(toFile: junit, atomically: true, encoding: .utf8) }
            if let json { try report.json().write(to: URL(fileURLWithPath: json)) }
            if let html { try HTMLReport.html(report).write(toFile: html, atomically: true, encoding: .utf8) }
        } catch {
            printError("cannot write a report: \(error)")
            throw ExitCode(2)
        }
    }
}
