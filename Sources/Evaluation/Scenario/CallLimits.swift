/// Bounds on a scenario's call; exceeding one fails the run.
public struct CallLimits: Sendable, Equatable {
    /// Caller turns (recognised utterances) at most.
    public var maxTurns: Int
    /// Call length at most, in seconds of call time.
    public var maxDurationSeconds: Double
    /// Longest stretch with nobody speaking, in seconds.
    public var maxSilenceSeconds: Double

    public init(maxTurns: Int = 20, maxDurationSeconds: Double = 180, maxSilenceSeconds: Double = 15) {
        self.maxTurns = maxTurns
        self.maxDurationSeconds = maxDurationSeconds
        self.maxSilenceSeconds = maxSilenceSeconds
    }
}
