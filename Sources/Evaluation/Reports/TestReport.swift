import Foundation

/// A finished test run: every result and the summary. What `--json` writes and `--baseline` reads.
public struct TestReport: Sendable, Codable, Equatable {
    public var ringside: String
    public var target: String
    public var summary: SuiteSummary
    public var results: [ScenarioRunResult]
    /// Regressions against a baseline, when one was given.
    public var regressions: [String]
    /// Estimated costs, when a price table was given.
    public var costs: CostSummary?

    public init(ringside: String, target: String, results: [ScenarioRunResult], wallSeconds: Double, regressions: [String] = [],
                prices: PriceTable? = nil) {
        self.ringside = ringside
        self.target = target
        self.results = results
        self.summary = SuiteSummary(results, wallSeconds: wallSeconds)
        self.regressions = regressions
        costs = prices.map { CostSummary(results, prices: $0) }
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func read(_ url: URL) throws -> TestReport {
        try JSONDecoder().decode(TestReport.self, from: Data(contentsOf: url))
    }

    /// 0 all passed, 1 failures or regressions, 2 harness errors.
    public var exitCode: Int32 {
        if summary.errors > 0 { return 2 }
        if summary.failed > 0 || !regressions.isEmpty { return 1 }
        return 0
    }
}
