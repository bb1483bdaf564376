/// The figures of one run, computed from its events, its caller and its database.
public struct RunMetrics: Sendable, Codable, Equatable {
    /// The call achieved its goal: expected tool calls made and database checks met.
    public var taskSuccess: Bool
    /// Of the tool calls made, the share that were expected (nil when the scenario names none).
    public var toolPrecision: Double?
    /// Of the expected tool calls, the share made.
    public var toolRecall: Double?
    /// Of the expected argument values of the calls made, the share that matched.
    public var argumentAccuracy: Double?
    /// Escalated exactly when expected (nil when the scenario does not say).
    public var escalationCorrect: Bool?
    /// Approval requested exactly when expected (nil when the scenario does not say).
    public var approvalCorrect: Bool?
    /// Caller-side word errors and reference words (recogniser finals vs the script).
    public var werErrors: Int
    public var werWords: Int
    public var voiceToVoiceMs: [Double]
    public var voiceToVoiceP50: Double?
    public var voiceToVoiceP95: Double?
    public var voiceToVoiceMax: Double?
    /// Per latency stage (`LatencyStage` raw value), its milliseconds in each answered turn, in turn order
    /// (nil in reports written before stages were recorded).
    public var stageMs: [String: [Double]]?
    public var bargeIns: Int
    /// Caller speech start → the agent yielding, per barge-in.
    public var bargeInYieldMs: [Double]
    /// Caller turns recognised.
    public var turns: Int
    /// Seconds of call time.
    public var durationSeconds: Double
    public var toolCalls: Int
    /// The agent handed the call to a human (nil in reports written before this was recorded).
    public var escalated: Bool?
    /// Caller turns the brain counted as misunderstood (its decision said "misunderstanding N of M");
    /// nil in reports written before this was recorded.
    public var misunderstandings: Int?
    /// Billed resources the call used, for cost estimates.
    public var usage: CallUsage?

    public init() {
        taskSuccess = false
        werErrors = 0
        werWords = 0
        voiceToVoiceMs = []
        bargeIns = 0
        bargeInYieldMs = []
        turns = 0
        durationSeconds = 0
        toolCalls = 0
    }

    public var wer: Double? { werWords == 0 ? nil : Double(werErrors) / Double(werWords) }
}
