/// Order statistics for benchmark samples.
struct Percentiles: Codable, Sendable {
    var count: Int
    var p50: Double
    var p95: Double
    var mean: Double
    var max: Double

    init(_ values: [Double]) {
        let s = values.sorted()
        count = s.count
        func q(_ p: Double) -> Double { s.isEmpty ? 0 : s[Swift.min(s.count - 1, Int((p * Double(s.count - 1)).rounded()))] }
        p50 = q(0.5)
        p95 = q(0.95)
        mean = s.isEmpty ? 0 : s.reduce(0, +) / Double(s.count)
        max = s.last ?? 0
    }
}
