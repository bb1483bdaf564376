import RingsideCore

/// The figures for one condition of the speech benchmark, as written to `.bench/speech.json`.
struct ConditionResult: Codable, Sendable {
    var condition: String
    var model: String
    var utterances: Int
    var wer: Double
    var werByVoice: [String: Double]
    var werByCategory: [String: Double]
    var realTimeFactor: Double
    /// Wall time from asking for the final (at end of turn) to having it, ms.
    var finalLatencyMs: Percentiles
    /// Longest single-frame processing time, ms (a frame must be done within 20 ms to keep up).
    var maxFrameMs: Double
    var fixedEndpoint: EndpointFigures
    var adaptiveEndpoint: EndpointFigures
    /// Utterances whose partial at `speechStopped` already equalled the final transcript.
    var speculativeCorrect: Double
    var vadFrameAccuracyEnergy: Double
    var vadFrameAccuracySpeex: Double
    /// Expectation read-back accuracy (digits, yes/no) where the utterance had one.
    var interpretationAccuracy: Double?
    /// Every utterance's reference and final, for `--dump-errors`; left out of `.bench/speech.json`.
    var transcripts: [UtteranceTranscript]? = nil
}

/// One utterance of one row: what was said and what the final said.
struct UtteranceTranscript: Codable, Sendable {
    var id: Int
    var voice: String
    var category: String
    var reference: String
    var hypothesis: String
}
