import RingsideCore

/// First-chunk latency for one TTS voice.
struct VoiceResult: Codable, Sendable {
    var engine: String
    var voice: String
    var firstChunkMs: Percentiles
    var realTimeFactor: Double
}
