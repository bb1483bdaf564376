import RingsideCore

/// One recognised word with where it lies in the utterance's audio.
public struct WordTiming: Sendable, Equatable, Codable {
    public var word: String
    public var start: MediaTime
    public var end: MediaTime
    /// Posterior probability 0…1 when the engine computes one.
    public var confidence: Double?

    public init(word: String, start: MediaTime, end: MediaTime, confidence: Double? = nil) {
        self.word = word
        self.start = start
        self.end = end
        self.confidence = confidence
    }
}
