/// Wall-clock seconds of each phase of one run, to see where a test run's time goes.
public struct RunPhases: Sendable, Codable, Equatable {
    /// Synthesising the caller's lines (and noise beds) before the call.
    public var synthesis: Double = 0
    /// Building the call: agent, database, recogniser and its adaptation to the agent.
    public var setup: Double = 0
    /// Of `setup`, adapting the recogniser to the agent.
    public var adaptation: Double = 0
    /// The call itself in virtual time (recognition, the agent, the agent's synthesis).
    public var call: Double = 0
    /// Database checks, reading the recording, grading.
    public var grading: Double = 0

    public init() {}
}

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
    public var transcript: [RunTranscriptLine]
    public var endReason: String
    /// Where the recording went, if anywhere.
    public var recording: String?
    /// Wall-clock seconds the run took.
    public var wallSeconds: Double
    /// Checks the scenario asks for that this target cannot show (a remote agent's tool calls…);
    /// nil when everything was observable.
    public var notObservable: [String]?
    /// Where those seconds went (nil in reports written before this was recorded).
    public var phases: RunPhases?
    /// Turns the simulated caller took: lines said, digits keyed, silences kept (nil in reports
    /// written before this was recorded).
    public var callerTurns: Int?

    public init(scenarioID: String, file: String, tags: [String] = [], description: String = "", run: Int, verdict: RunVerdict, reasons: [String],
                metrics: RunMetrics = RunMetrics(), transcript: [RunTranscriptLine] = [], endReason: String = "", recording: String? = nil, wallSeconds: Double = 0) {
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
