/// One run of one scenario: verdict, the reasons behind it (first one first), figures and transcript.
public struct ScenarioRunResult: Sendable, Codable, Equatable {
    public var scenarioID: String
    public var file: String
    public var tags: [String]
    public var description: String
    /// 1-based run number.
    public var run: Int
    public var verdict: RunVerdict
    public var reasons: [String]
    public var metrics: RunMetrics
    public var transcript: [TranscriptLine]
    public var endReason: String
    /// Where the recording went, if anywhere.
    public var recording: String?
    /// Wall-clock seconds the run took.
    public var wallSeconds: Double
    /// Checks the scenario asks for that this target cannot show (a remote agent's tool calls…);
    /// nil when everything was observable.
    public var notObservable: [String]?

    public init(scenarioID: String, file: String, tags: [String] = [], description: String = "", run: Int, verdict: RunVerdict, reasons: [String],
                metrics: RunMetrics = RunMetrics(), transcript: [TranscriptLine] = [], endReason: String = "", recording: String? = nil, wallSeconds: Double = 0) {
        self.scenarioID = scenarioID
        self.file = file
        self.tags = tags
        self.description = description
        self.run = run
        self.verdict = verdict
        self.reasons = reasons
        self.metrics = metrics
        self.transcript = transcript
        self.endReason = endReason
        self.recording = recording
        self.wallSeconds = wallSeconds
    }

    /// The first reason, or "" for a pass.
    public var firstReason: String { reasons.first ?? "" }

    /// `id#run` when a scenario runs more than once, else the id.
    public var name: String { "\(scenarioID)#\(run)" }
}
