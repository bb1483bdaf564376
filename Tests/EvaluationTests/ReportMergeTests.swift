import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Evaluation

/// `ringside report merge`: shards merge into the report one unsharded run writes (results in file
/// order, summary and costs worked out again, percentiles not averaged); overlapping shards, shards of
/// different targets and files that are not reports are refused with the file named.
struct ReportMergeTests {
    /// Five runs over four files in two agents, sorted as an unsharded run reports them.
    static var results: [ScenarioRunResult] {
        func run(_ id: String, _ file: String, _ run: Int = 1, _ verdict: RunVerdict = .pass, v2v: [Double], tools: Double? = nil) -> ScenarioRunResult {
            var r = ScenarioRunResult(scenarioID: id, file: "/lib/" + file, run: run, verdict: verdict, reasons: verdict == .pass ? [] : ["because"])
            r.metrics.voiceToVoiceMs = v2v
            r.metrics.taskSuccess = verdict == .pass
            r.metrics.toolPrecision = tools
            r.metrics.durationSeconds = Double(v2v.count) * 7.3
            r.metrics.usage = CallUsage(sttSeconds: 60, ttsSeconds: 20, telephonySeconds: 60)
            r.wallSeconds = 1.5
            return r
        }
        return [run("hours", "clinic/calls/hours.yaml", v2v: [410, 380], tools: 1),
                run("book", "clinic/calls/z-book.yaml", 1, .fail, v2v: [900, 1200, 300], tools: 0.5),
                run("book", "clinic/calls/z-book.yaml", 2, v2v: [700], tools: 1.0 / 3),
                run("broken", "orders/calls/broken.yaml", 1, .error, v2v: []),
                run("status", "orders/calls/status.yaml", v2v: [250, 260, 2000], tools: 0.7)]
    }

    static let prices = PriceTable(sttPerMinute: 0.006, ttsPerMinute: 0.015)

    /// The results split as `--shard I/3` would, each shard's report as that shard writes it.
    static func shards(of results: [ScenarioRunResult], count: Int = 3) -> [(file: String, report: TestReport)] {
        let keys = ScenarioShard.partition(results.map { ScenarioShard.key(file: $0.file) }, count: count)
        return keys.enumerated().map { i, mine in
            let share = results.filter { mine.contains(ScenarioShard.key(file: $0.file)) }
            return ("shard-\(i + 1).json", TestReport(ringside: "t", target: "embedded", results: share, wallSeconds: Double(i + 1), prices: prices))
        }
    }

    @Test func mergedShardsEqualTheUnshardedReport() throws {
        let whole = TestReport(ringside: "t", target: "embedded", results: Self.results, wallSeconds: 1 + 2 + 3, prices: Self.prices)
        // Whatever order the shard files are named in.
        let merged = try ReportMerge.merge(Array(Self.shards(of: Self.results).reversed()))
        #expect(merged == whole)
        #expect(merged.summary.runs == 5 && merged.summary.passed == 3 && merged.summary.failed == 1 && merged.summary.errors == 1)
        #expect(merged.exitCode == 2)
    }

    @Test func percentilesAreRecomputedNotAveraged() throws {
        let a = TestReport(ringside: "t", target: "embedded", results: [Self.results[0]], wallSeconds: 1)
        let b = TestReport(ringside: "t", target: "embedded", results: [Self.results[4]], wallSeconds: 1)
        let merged = try ReportMerge.merge([("a.json", a), ("b.json", b)])
        // 250 260 380 410 2000: the median of the five, not the mean of the shards' medians.
        #expect(merged.summary.voiceToVoice.p50 == 380)
        #expect(merged.summary.voiceToVoice.p95 == 2000)
        #expect(merged.summary.voiceToVoice.count == 5)
    }

    @Test func aScenarioInTwoShardsIsRefused() {
        let shards = Self.shards(of: Self.results)
        var again = shards[0]
        again.file = "copy.json"
        #expect(throws: ReportMergeError("shard-1.json and copy.json both hold clinic/calls/hours.yaml: each scenario must be in one shard only (the same report twice, or shards of different runs?)")) {
            try ReportMerge.merge(shards + [again])
        }
        // The same file on another machine's checkout is the same scenario.
        var moved = Self.results[0]
        moved.file = "/runner/work/lib/clinic/calls/hours.yaml"
        let elsewhere = TestReport(ringside: "t", target: "embedded", results: [moved], wallSeconds: 1)
        #expect(throws: ReportMergeError.self) { try ReportMerge.merge(shards + [("runner.json", elsewhere)]) }
    }

    @Test func shardsOfDifferentTargetsAreRefused() {
        let a = TestReport(ringside: "t", target: "embedded", results: [Self.results[0]], wallSeconds: 1)
        let b = TestReport(ringside: "t", target: "sip", results: [Self.results[4]], wallSeconds: 1)
        #expect(throws: ReportMergeError("b.json ran against sip but a.json against embedded: merge the shards of one run")) {
            try ReportMerge.merge([("a.json", a), ("b.json", b)])
        }
    }

    @Test func filesThatAreNotReportsAreNamedWithTheirProblem() throws {
        let dir = try TestPaths.temporaryDirectory("merge-inputs")
        let good = dir.appendingPathComponent("good.json")
        try TestReport(ringside: "t", target: "embedded", results: [Self.results[0]], wallSeconds: 1).json().write(to: good)
        let cases: [(name: String, contents: String?, problem: String)] = [
            ("missing.json", nil, "no such file"),
            ("empty.json", "", "empty, not a JSON report"),
            ("junit.xml", "<testsuites/>", "not valid JSON"),
            ("other.json", #"{"ringside": "t", "target": "embedded"}"#, "not a Ringside test report (as `ringside test --json` writes): missing key 'summary'"),
            ("typo.json", #"{"ringside": "t", "target": "embedded", "summary": {}, "results": [{"scenarioID": 3}], "regressions": []}"#,
             "not a Ringside test report (as `ringside test --json` writes): summary: missing key 'runs'"),
        ]
        for c in cases {
            let file = dir.appendingPathComponent(c.name)
            if let contents = c.contents { try contents.write(to: file, atomically: true, encoding: .utf8) }
            #expect(throws: ReportMergeError("\(file.path): \(c.problem)")) { try ReportMerge.merge(files: [good.path, file.path]) }
        }
        #expect(throws: ReportMergeError("\(dir.path): a folder, not a JSON report")) { try ReportMerge.merge(files: [dir.path]) }
        #expect(try ReportMerge.merge(files: [good.path]).results == [Self.results[0]])
    }
}
