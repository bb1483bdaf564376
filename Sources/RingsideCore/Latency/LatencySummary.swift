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

    /// `Percentiles.rank` (nearest rank) of already sorted values; nil for none.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        sorted.isEmpty ? nil : Percentiles.rank(sorted, q)
    }
}
