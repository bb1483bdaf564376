import Foundation

/// Merges the JSON reports of a sharded run (`ringside test --shard I/N --json`) into the report one
/// unsharded run would have written: every result, in file order, with the summary, costs and
/// regressions worked out again from the merged results (percentiles are never averaged).
public enum ReportMerge {
    /// `shards` are (file name, report) pairs; the names only appear in errors. The merged wall time is
    /// the shards' wall times added up: the machine time the suite took, as an unsharded run reports it.
    public static func merge(_ shards: [(file: String, report: TestReport)]) throws(ReportMergeError) -> TestReport {
        guard let first = shards.first else { throw ReportMergeError("no reports to merge: give the JSON report of each shard") }
        var holder: [String: String] = [:]
        for (file, report) in shards {
            if report.target != first.report.target {
                throw ReportMergeError("\(file) ran against \(report.target) but \(first.file) against \(first.report.target): merge the shards of one run")
            }
            // A scenario's runs all sit in one shard, so a key seen in two files is a scenario run twice.
            for key in Set(report.results.map { ScenarioShard.key(file: $0.file) }).sorted() {
                if let other = holder[key] {
                    throw ReportMergeError("\(other) and \(file) both hold \(key): each scenario must be in one shard only (the same report twice, or shards of different runs?)")
                }
                holder[key] = file
            }
        }
        // The order an unsharded run reports in (files sorted by path, runs in order), so that summaries
        // add up their figures in the same order and come out identical.
        let results = shards.flatMap(\.report.results).sorted { a, b in
            let (ka, kb) = (ScenarioShard.key(file: a.file), ScenarioShard.key(file: b.file))
            if ka != kb { return ka < kb }
            if a.file != b.file { return a.file < b.file }
            return a.run < b.run
        }
        let wall = shards.map(\.report.summary.wallSeconds).reduce(0, +)
        let regressions = shards.flatMap(\.report.regressions).sorted()
        let prices = shards.lazy.compactMap(\.report.costs?.prices).first
        return TestReport(ringside: first.report.ringside, target: first.report.target, results: results, wallSeconds: wall,
                          regressions: regressions, prices: prices)
    }

    /// Reads each file and merges them; a file given twice, the first unreadable file or an overlap is the error.
    public static func merge(files: [String]) throws(ReportMergeError) -> TestReport {
        if let twice = files.enumerated().first(where: { files.prefix($0.offset).contains($0.element) })?.element {
            throw ReportMergeError("\(twice) is given twice: give each shard's report once")
        }
        var shards: [(file: String, report: TestReport)] = []
        for file in files {
            do throws(ReportFileError) {
                shards.append((file, try TestReport.read(URL(fileURLWithPath: file))))
            } catch {
                throw ReportMergeError(error.description)
            }
        }
        return try merge(shards)
    }
}

/// Why shard reports cannot be merged, in a sentence naming the file.
public struct ReportMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
