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

    /// Reads a report; errors name the file and say what is wrong with it in a sentence.
    public static func read(_ url: URL) throws(ReportFileError) -> TestReport {
        let file = url.relativePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ReportFileError(file: file, problem: "no such file")
        }
        guard !isDirectory.boolValue else { throw ReportFileError(file: file, problem: "a folder, not a JSON report") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReportFileError(file: file, problem: "unreadable (\(error.localizedDescription))")
        }
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw ReportFileError(file: file, problem: data.isEmpty ? "empty, not a JSON report" : "not valid JSON")
        }
        do { return try JSONDecoder().decode(TestReport.self, from: data) } catch let error as DecodingError {
            throw ReportFileError(file: file, problem: ReportFileError.problem(error))
        } catch {
            throw ReportFileError(file: file, problem: "not a Ringside test report (\(error))")
        }
    }

    /// 0 all passed, 1 failures or regressions, 2 harness errors.
    public var exitCode: Int32 {
        if summary.errors > 0 { return 2 }
        if summary.failed > 0 || !regressions.isEmpty { return 1 }
        return 0
    }
}
