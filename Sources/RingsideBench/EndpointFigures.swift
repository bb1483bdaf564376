import RingsideCore

/// Endpointing figures for one turn-detection policy.
struct EndpointFigures: Codable, Sendable {
    /// Delay from the true end of speech to the end-of-turn decision, ms.
    var delayMs: Percentiles
    /// Turns closed during a mid-turn pause (fraction of utterances).
    var prematureRate: Double
    /// Turns never closed before the audio ran out.
    var missed: Int
    /// How often each rule closed a turn.
    var rules: [String: Int]
    /// Mean |reported trueEnd − labelled true end|, ms.
    var trueEndErrorMs: Double
}
