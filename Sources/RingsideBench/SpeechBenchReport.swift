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
    /// Whisper vs pocketsphinx on speech nobody tuned on (`GeneralisationSet`).
    var generalisation: [GeneralisationSet.Result]? = nil
    var peakResidentMB: Double? = nil
}
