import RingsideCore

/// The figures of a whole test run across its scenarios, for the table, the reports and baselines.
public struct SuiteSummary: Sendable, Codable, Equatable {
    public var runs: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
    public var taskSuccessRate: Double
    public var toolPrecision: Double?
    public var toolRecall: Double?
    public var argumentAccuracy: Double?
    public var escalationAccuracy: Double?
    public var approvalAccuracy: Double?
    public var callerWER: Double?
    public var voiceToVoice: Percentiles
    public var bargeIns: Int
    public var bargeInYield: Percentiles
    /// Sum of call durations, seconds of call time.
    public var callSeconds: Double
    /// Wall-clock seconds for the whole run (set by the caller).
    public var wallSeconds: Double

    public init(_ results: [ScenarioRunResult], wallSeconds: Double = 0) {
        let graded = results.filter { $0.verdict != .error }
        runs = results.count
        passed = results.filter { $0.verdict == .pass }.count
        failed = results.filter { $0.verdict == .fail }.count
        errors = results.filter { $0.verdict == .error }.count
        let m = graded.map(\.metrics)
        taskSuccessRate = graded.isEmpty ? 0 : Double(m.filter(\.taskSuccess).count) / Double(graded.count)
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func share(_ values: [Bool]) -> Double? { values.isEmpty ? nil : Double(values.filter { $0 }.count) / Double(values.count) }
        toolPrecision = mean(m.compactMap(\.toolPrecision))
        toolRecall = mean(m.compactMap(\.toolRecall))
        argumentAccuracy = mean(m.compactMap(\.argumentAccuracy))
        escalationAccuracy = share(m.compactMap(\.escalationCorrect))
        approvalAccuracy = share(m.compactMap(\.approvalCorrect))
        let words = m.map(\.werWords).reduce(0, +)
        callerWER = words == 0 ? nil : Double(m.map(\.werErrors).reduce(0, +)) / Double(words)
        voiceToVoice = Percentiles(m.flatMap(\.voiceToVoiceMs))
        bargeIns = m.map(\.bargeIns).reduce(0, +)
        bargeInYield = Percentiles(m.flatMap(\.bargeInYieldMs))
        callSeconds = m.map(\.durationSeconds).reduce(0, +)
        self.wallSeconds = wallSeconds
    }

    /// Call time over wall time.
    public var speedUp: Double { wallSeconds > 0 ? callSeconds / wallSeconds : 0 }
}
