import ArgumentParser
import Evaluation
import Foundation

/// `ringside report …`: work with the JSON reports `ringside test --json` writes.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with test reports written by `ringside test --json`.",
        subcommands: [Merge.self]
    )

    /// `ringside report merge A.json B.json …`: one report from the shards of a run.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge the JSON reports of a sharded run into one report.",
            discussion: """
                Each FILE is the JSON report of one shard (`ringside test --shard I/N --json FILE`). The merged \
                report holds every shard's results in file order, with the summary (counts, task success, \
                percentiles), costs and regressions worked out again from them: the same totals as an unsharded \
                run. Its wall time is the shards' wall times added up. The terminal table is printed as \
                `ringside test` prints it. Exit status: 0 all passed · 1 a run failed or regressed · 2 a run \
                could not be run, or the reports cannot be merged (a file unreadable or not a report, a scenario \
                in two shards, shards of different targets).
                """
        )

        @Argument(help: "The shards' JSON reports.")
        var files: [String] = []

        @OptionGroup(title: "Reports")
        var reports: ReportFileOptions

        func run() throws {
            guard !files.isEmpty else {
                printError("give the JSON reports to merge, e.g. ringside report merge shard-*.json --junit report.xml")
                throw ExitCode(2)
            }
            let report: TestReport
            do throws(ReportMergeError) {
                report = try ReportMerge.merge(files: files)
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
            print(TerminalTable.render(report), terminator: "")
            try reports.write(report)
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
