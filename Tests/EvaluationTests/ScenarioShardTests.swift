import Foundation
import RingsideCore
import Testing
@testable import Evaluation

/// `--shard I/N`: every selected scenario in exactly one shard, the same one whatever the file order
/// or the machine's checkout path, shards balanced by count (±1) or by measured time (within one
/// scenario's time); malformed shard values are errors a person can act on.
struct ScenarioShardTests {
    /// A fixed-seed generator, so a failing case can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static let keys = (1...23).map { "agent\($0 % 3)/calls/scenario-\($0).yaml" }

    static func timings(seed: UInt64) -> [String: Double] {
        var random = Seeded(state: seed)
        return Dictionary(uniqueKeysWithValues: keys.map { ($0, Double.random(in: 0.5...40, using: &random)) })
    }

    @Test(arguments: 1...7) func everyScenarioIsInExactlyOneShard(count: Int) {
        for seconds in [nil, Self.timings(seed: UInt64(count))] {
            let shards = ScenarioShard.partition(Self.keys, count: count, seconds: seconds)
            #expect(shards.count == count)
            let all = shards.flatMap { $0 }
            #expect(all.count == Self.keys.count, "no scenario in two shards")
            #expect(Set(all) == Set(Self.keys), "the union is the whole selection")
        }
    }

    @Test func theSplitDoesNotDependOnFileOrder() {
        var random = Seeded(state: 17)
        let seconds = Self.timings(seed: 5)
        for _ in 0..<20 {
            let shuffled = Self.keys.shuffled(using: &random)
            #expect(ScenarioShard.partition(shuffled, count: 4) == ScenarioShard.partition(Self.keys, count: 4))
            #expect(ScenarioShard.partition(shuffled, count: 4, seconds: seconds) == ScenarioShard.partition(Self.keys, count: 4, seconds: seconds))
        }
    }

    @Test(arguments: 1...7) func byCountShardsDifferByAtMostOne(count: Int) {
        let sizes = ScenarioShard.partition(Self.keys, count: count).map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(sizes)")
    }

    @Test(arguments: 1...7) func byTimeShardsDifferByAtMostOneScenariosTime(count: Int) {
        for seed in UInt64(1)...10 {
            let seconds = Self.timings(seed: seed)
            let loads = ScenarioShard.partition(Self.keys, count: count, seconds: seconds).map { $0.reduce(0) { $0 + seconds[$1, default: 0] } }
            let longest = seconds.values.max() ?? 0
            #expect((loads.max() ?? 0) - (loads.min() ?? 0) <= longest, "seed \(seed): \(loads)")
        }
    }

    @Test func longestFirstIntoTheLeastLoadedShard() {
        let seconds = ["a": 10.0, "b": 6, "c": 5, "d": 4, "e": 1]
        // a→1 (10), b→2 (6), c→2 (11), d→1 (14), e→2 (12).
        #expect(ScenarioShard.partition(["e", "d", "c", "b", "a"], count: 2, seconds: seconds) == [["a", "d"], ["b", "c", "e"]])
        // Without timings the sorted keys are dealt in turn.
        #expect(ScenarioShard.partition(["e", "d", "c", "b", "a"], count: 2) == [["a", "c", "e"], ["b", "d"]])
        // A scenario missing from the timings weighs their mean (5), ties go by key.
        #expect(ScenarioShard.partition(["new", "x", "y"], count: 2, seconds: ["x": 8, "y": 2]) == [["x"], ["new", "y"]])
        // Scenarios measured at no time at all (files that did not load) are still spread.
        #expect(ScenarioShard.partition(["a", "b", "c", "d", "e"], count: 2, seconds: ["a": 0, "b": 0, "c": 0, "d": 0, "e": 0]) == [["a", "c", "e"], ["b", "d"]])
        // More shards than scenarios: some shards are empty.
        #expect(ScenarioShard.partition(["a"], count: 3) == [["a"], [], []])
    }

    @Test func aScenarioLandsInTheSameShardOnEveryMachine() throws {
        func entries(root: String) -> [ScenarioEntry] {
            Self.keys.map { .invalid(file: root + "/" + $0, error: LocatedError(SourceLocation(file: root + "/" + $0), problem: "x")) }
        }
        #expect(ScenarioShard.key(file: "/home/me/ringside/sample-calls/clinic/calls/hours.yaml") == "clinic/calls/hours.yaml")
        #expect(ScenarioShard.key(file: "/ci/build/./sample-calls/clinic/calls/hours.yaml") == "clinic/calls/hours.yaml")
        let seconds = ShardTimings(seconds: Self.timings(seed: 3))
        for index in 1...3 {
            let shard = try ScenarioShard(index: index, count: 3)
            for timings in [nil, seconds] {
                let here = shard.select(entries(root: "/home/me/lib"), timings: timings).map { ScenarioShard.key(file: $0.file) }
                let there = shard.select(Array(entries(root: "/runner/work/x/lib").reversed()), timings: timings).map { ScenarioShard.key(file: $0.file) }
                #expect(!here.isEmpty)
                #expect(Set(here) == Set(there))
            }
        }
    }

    @Test func timingsAddUpEachScenariosRuns() {
        var results = ReportTests.results
        results.append(ScenarioRunResult(scenarioID: "book-ok", file: "/elsewhere/clinic/calls/a.yaml", run: 2, verdict: .pass, reasons: []))
        for i in results.indices { results[i].wallSeconds = Double(i + 1) }
        let timings = ShardTimings(TestReport(ringside: "t", target: "embedded", results: results, wallSeconds: 10))
        #expect(timings.seconds == ["clinic/calls/a.yaml": 1 + 4, "clinic/calls/b.yaml": 2, "orders/calls/c.yaml": 3])
    }

    @Test(arguments: [
        ("3/2", "the shard number must be between 1 and 2, as in 1/2"),
        ("0/2", "the shard number must be between 1 and 2, as in 1/2"),
        ("2/1", "with one shard the only shard is 1/1"),
        ("1/0", "there must be at least one shard, as in 1/1"),
        ("a/b", "write the shard as I/N, e.g. 2/3 for the second of three shards"),
        ("2", "write the shard as I/N, e.g. 2/3 for the second of three shards"),
        ("1/2/3", "write the shard as I/N, e.g. 2/3 for the second of three shards"),
        ("", "write the shard as I/N, e.g. 2/3 for the second of three shards"),
    ])
    func badShardValuesSayWhatToWrite(text: String, problem: String) {
        #expect(throws: ShardSpecError(problem: problem)) { try ScenarioShard(parsing: text) }
    }

    @Test func goodShardValuesParse() throws {
        #expect(try ScenarioShard(parsing: "1/1") == ScenarioShard(index: 1, count: 1))
        #expect(try ScenarioShard(parsing: "2/3").description == "2/3")
    }
}
