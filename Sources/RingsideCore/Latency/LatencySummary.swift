/// Voice-to-voice percentiles over a call's turns and the worst turn, for the latency pane,
/// reports and benchmarks.
public struct LatencySummary: Sendable, Equatable {
    /// Turns that have a voice-to-voice figure.
    public var count: Int
    public var p50Ms: Double?
    public var p95Ms: Double?
    /// The turn with the longest voice-to-voice time.
    public var worst: TurnLatency?

    public init(turns: [TurnLatency]) {
        let measured = turns.filter { $0.voiceToVoiceMs != nil }
        let values = measured.compactMap(\.voiceToVoiceMs).sorted()
        count = values.count
        p50Ms = Self.percentile(values, 0.50)
        p95Ms = Self.percentile(values, 0.95)
        worst = measured.max { ($0.voiceToVoiceMs ?? 0) < ($1.voiceToVoiceMs ?? 0) }
    }

    /// Nearest-rank percentile of already sorted values: the smallest value with at least
    /// `q` of the values at or below it.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
