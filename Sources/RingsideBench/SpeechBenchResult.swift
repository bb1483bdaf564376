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
}

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

/// First-chunk latency for one TTS voice.
struct VoiceResult: Codable, Sendable {
    var engine: String
    var voice: String
    var firstChunkMs: Percentiles
    var realTimeFactor: Double
}

/// Everything `ringside-bench speech` measured.
struct SpeechBenchReport: Codable, Sendable {
    var date: String
    var corpusSize: Int
    var voices: [String]
    var normaliser: String
    var decoder: [String]
    var conditions: [ConditionResult]
    var tts: [VoiceResult]
    var domainModelBuildMs: Double?
    var seconds: Double
}
