import Foundation
import Testing
import TestSupport

/// `ringside test --shard I/N` and `ringside report merge`, run as a CI matrix would run them: the
/// shards split the library exactly and their merged report has the unsharded run's verdicts and totals.
@Suite struct ShardCommandTests {
    var ringside: String { TestPaths.builtProduct("ringside").path }

    /// A copy of the clinic agent with four scenarios: one that passes, one that fails (it expects the
    /// wrong hours), one with a database check, and one that does not load — every verdict must merge.
    static func library() throws -> URL {
        let agent = try TestPaths.temporaryDirectory("shards").appendingPathComponent("clinic")
        let clinic = TestPaths.repository.appendingPathComponent("sample-calls/clinic")
        let calls = agent.appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)
        for name in ["agent.yaml", "seed.sql", "calls/hours.yaml", "calls/out-of-scope.yaml"] {
            try FileManager.default.copyItem(at: clinic.appendingPathComponent(name), to: agent.appendingPathComponent(name))
        }
        let hours = try String(contentsOf: clinic.appendingPathComponent("calls/hours.yaml"), encoding: .utf8)
        try hours.replacingOccurrences(of: "id: clinic-hours", with: "id: clinic-hours-wrong")
            .replacingOccurrences(of: "agent_says: \"Monday to Friday\"", with: "agent_says: \"open all weekend\"")
            .write(to: calls.appendingPathComponent("hours-wrong.yaml"), atomically: true, encoding: .utf8)
        try "id: broken\ndescription: x\nturns:\n  - say: [unclosed\n".write(to: calls.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        return agent
    }

    /// The parts of a JSON report that must not depend on sharding: each run's verdict, and the counts.
    struct Outcome: Equatable, CustomStringConvertible {
        var verdicts: [String: String]
        var counts: [String: Int]
        var description: String { "\(counts) \(verdicts.sorted { $0.key < $1.key })" }

        init(_ file: URL) throws {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
            let results = try #require(report["results"] as? [[String: Any]])
            verdicts = Dictionary(uniqueKeysWithValues: results.map { r in
                ("\(r["scenarioID"] ?? "?")#\(r["run"] ?? "?")", "\(r["verdict"] ?? "?")")
            })
            let summary = try #require(report["summary"] as? [String: Any])
            counts = summary.filter { ["runs", "passed", "failed", "errors"].contains($0.key) }.mapValues { $0 as? Int ?? -1 }
        }
    }

    @Test func mergedShardsHaveTheUnshardedVerdictsAndTotals() throws {
        let agent = try Self.library()
        let dir = agent.deletingLastPathComponent()
        func report(_ name: String) -> URL { dir.appendingPathComponent(name) }
        func test(_ shard: [String], json: String) throws -> ProgramRun {
            try runProgram(ringside, ["test", "--quiet", "--stt", "pocketsphinx", agent.path] + shard + ["--json", report(json).path])
        }
        let whole = try test([], json: "whole.json")
        let first = try test(["--shard", "1/2"], json: "shard-1.json")
        let second = try test(["--shard", "2/2"], json: "shard-2.json")
        let merge = try runProgram(ringside, ["report", "merge", report("shard-2.json").path, report("shard-1.json").path, "--json", report("merged.json").path,
                                              "--junit", report("merged.xml").path, "--html", report("merged.html").path])

        let expected = try Outcome(report("whole.json"))
        #expect(expected.verdicts == ["clinic-hours#1": "pass", "clinic-hours-wrong#1": "fail", "clinic-out-of-scope#1": "pass", "broken#1": "error"],
                "the unsharded run itself: \(whole.stdout)\n\(whole.stderr)")
        let (one, two) = (try Outcome(report("shard-1.json")), try Outcome(report("shard-2.json")))
        #expect(!one.verdicts.isEmpty && !two.verdicts.isEmpty, "both shards run something: \(one) | \(two)")
        #expect(Set(one.verdicts.keys).isDisjoint(with: two.verdicts.keys), "no scenario in both shards: \(one) | \(two)")
        #expect(one.verdicts.merging(two.verdicts) { a, _ in a } == expected.verdicts, "the shards together are the whole run")
        #expect(try Outcome(report("merged.json")) == expected, "merged: \(merge.stdout)\n\(merge.stderr)")

        #expect(whole.status == 2 && merge.status == whole.status && max(first.status, second.status) == whole.status,
                "exit statuses: whole \(whole.status), shards \(first.status) \(second.status), merge \(merge.status)")
        // The same terminal table as `ringside test`: a row per run and the same totals line.
        let totals = "2 passed, 1 failed, 1 errors of 4 runs"
        #expect(whole.stdout.contains(totals) && merge.stdout.contains(totals), "\(merge.stdout)")
        for name in expected.verdicts.keys { #expect(merge.stdout.contains(name)) }
        let junit = try String(contentsOf: report("merged.xml"), encoding: .utf8)
        #expect(junit.contains("<testsuites name=\"ringside\" tests=\"4\" failures=\"1\" errors=\"1\""), "\(junit.prefix(300))")
        let html = try String(contentsOf: report("merged.html"), encoding: .utf8)
        #expect(html.contains("4 runs: <span class=pass>2 passed</span>"))
    }

    /// Balancing by time from an earlier run's report, on files that do not load (no call is placed,
    /// so this is quick): the shards still split the library exactly.
    @Test func shardsBalancedByAnEarlierReportSplitTheLibraryExactly() throws {
        let calls = try TestPaths.temporaryDirectory("shard-timings").appendingPathComponent("lib/calls")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)
        let ids = (1...7).map { "broken-\($0)" }
        for id in ids { try "id: \(id)\nturns: [\n".write(to: calls.appendingPathComponent("\(id).yaml"), atomically: true, encoding: .utf8) }
        let dir = calls.deletingLastPathComponent().deletingLastPathComponent()
        func report(_ name: String) -> String { dir.appendingPathComponent(name).path }
        _ = try runProgram(ringside, ["test", "--quiet", calls.path, "--json", report("all.json")])
        var seen: [String: Int] = [:]
        for i in 1...3 {
            let run = try runProgram(ringside, ["test", "--quiet", calls.path, "--shard", "\(i)/3", "--shard-timings", report("all.json"), "--json", report("shard-\(i).json")])
            #expect(run.status == 2, "files that do not load are errors: \(run.stderr)")
            for name in try Outcome(URL(fileURLWithPath: report("shard-\(i).json"))).verdicts.keys { seen[name, default: 0] += 1 }
        }
        #expect(seen == Dictionary(uniqueKeysWithValues: ids.map { ("\($0)#1", 1) }), "each scenario in exactly one shard")
        let merge = try runProgram(ringside, ["report", "merge"] + (1...3).map { report("shard-\($0).json") } + ["--json", report("merged.json")])
        #expect(try Outcome(URL(fileURLWithPath: report("merged.json"))) == Outcome(URL(fileURLWithPath: report("all.json"))), "\(merge.stderr)")

        // Shards of one run merged with the unsharded report: every scenario twice.
        let overlap = try runProgram(ringside, ["report", "merge", report("shard-1.json"), report("all.json")])
        #expect(overlap.status == 2)
        #expect(overlap.stderr.hasPrefix("ringside: \(report("shard-1.json")) and \(report("all.json")) both hold lib/calls/broken-"), "\(overlap.stderr)")
        #expect(overlap.stderr.split(separator: "\n").count == 1, "\(overlap.stderr)")
    }

    @Test(arguments: [
        (["--shard", "3/2"], "ringside: --shard 3/2: the shard number must be between 1 and 2, as in 1/2"),
        (["--shard", "0/2"], "ringside: --shard 0/2: the shard number must be between 1 and 2, as in 1/2"),
        (["--shard", "a/b"], "ringside: --shard a/b: write the shard as I/N, e.g. 2/3 for the second of three shards"),
        (["--shard", "1/2", "--shard-timings", "/nonexistent/last.json"], "ringside: cannot read the shard timings /nonexistent/last.json: no such file"),
        (["--shard-timings", "/nonexistent/last.json"], "ringside: --shard-timings balances shards: use it with --shard I/N"),
    ])
    func badShardOptionsAreOneLineAndExit2(options: [String], message: String) throws {
        let run = try runProgram(ringside, ["test", "--quiet", TestPaths.repository.appendingPathComponent("sample-calls/clinic/calls/hours.yaml").path] + options)
        #expect(run.status == 2)
        #expect(run.stderr == message + "\n")
        #expect(run.stdout.isEmpty, "nothing ran: \(run.stdout)")
    }

    @Test func mergingWhatIsNotAReportIsOneLineNamingTheFile() throws {
        let dir = try TestPaths.temporaryDirectory("merge-errors")
        let junit = dir.appendingPathComponent("report.xml")
        try "<testsuites/>".write(to: junit, atomically: true, encoding: .utf8)
        for (files, message) in [([junit.path], "ringside: \(junit.path): not valid JSON"),
                                 ([dir.appendingPathComponent("nope.json").path], "ringside: \(dir.path)/nope.json: no such file"),
                                 ([junit.path, junit.path], "ringside: \(junit.path) is given twice: give each shard's report once"),
                                 ([], "ringside: give the JSON reports to merge, e.g. ringside report merge shard-*.json --junit report.xml")] {
            let run = try runProgram(ringside, ["report", "merge"] + files)
            #expect(run.status == 2)
            #expect(run.stderr == message + "\n")
        }
    }
}
