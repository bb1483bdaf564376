/// Summary statistics of a set of measurements (latencies, durations), as reports, the call screen
/// and `ringside-bench` print them: the one percentile definition in Ringside (nearest rank).
public struct Percentiles: Sendable, Codable, Equatable {
    public var count: Int
    public var mean: Double
    public var p50: Double
    public var p95: Double
    public var max: Double

    /// Nearest-rank percentiles; all zero for an empty set.
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        guard !sorted.isEmpty else { mean = 0; p50 = 0; p95 = 0; max = 0; return }
        mean = sorted.reduce(0, +) / Double(sorted.count)
        p50 = Self.rank(sorted, 0.50)
        p95 = Self.rank(sorted, 0.95)
        max = sorted[sorted.count - 1]
    }

    /// The value at quantile `q` (0…1) of already sorted values, by nearest rank: the smallest value
    /// with at least `q` of the values at or below it (never an interpolated or rounded-index value).
    public static func rank(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
    }
}
