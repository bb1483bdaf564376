import Foundation

/// How long each scenario took in an earlier run, for balancing shards by time (`--shard-timings`).
///
/// Read from a JSON report as `ringside test --json` (or `ringside report merge --json`) writes it: a
/// scenario's time is the wall seconds of all its runs there — what it will cost a CI job again.
public struct ShardTimings: Sendable, Equatable {
    /// Seconds per scenario, by `ScenarioShard.key(file:)`.
    public var seconds: [String: Double]

    public init(seconds: [String: Double]) { self.seconds = seconds }

    public init(_ report: TestReport) {
        seconds = Dictionary(report.results.map { (ScenarioShard.key(file: $0.file), $0.wallSeconds) }, uniquingKeysWith: +)
    }

    public static func load(_ url: URL) throws(ReportFileError) -> ShardTimings {
        ShardTimings(try TestReport.read(url))
    }
}
