import RingsideCore

/// The final hypothesis for an utterance.
public struct RecognitionResult: Sendable, Equatable, Codable {
    /// Words recognised, lower case, single spaces; empty when nothing was heard.
    public var text: String
    /// Utterance confidence 0…1 (pocketsphinx: the lattice posterior of the best path).
    public var confidence: Double
    /// Per-word timings when the engine provides them.
    public var words: [WordTiming]
    /// The text read against the utterance's expectation: digits for `.digits`, "yes"/"no" for
    /// `.yesNo`, the matched option for `.oneOf`; `nil` when there was none or nothing matched.
    public var interpretation: String?
    /// End of the last audio fed, on the frames' timeline.
    public var audioEnd: MediaTime
    /// The engine whose text this is ("pocketsphinx", "whisper").
    public var engine: String = "pocketsphinx"
    /// Why a better pass was not used and this is the streaming pass's text (a deadline, a guard).
    public var fallback: String?
    /// The final came from a decode started at a pause, before the end of the turn was decided.
    public var speculative: Bool = false
    /// Wall time the end of the turn waited for this final (0 when a speculative decode was ready).
    public var waitSeconds: Double = 0
    /// What the better pass wrote before it was made into spoken words (or rejected); nil without one.
    public var rawText: String?
    /// The text is empty although the audio held speech: the better pass's words were thrown away
    /// by a guard and the streaming pass was not sure of its own. The caller is to be asked again.
    public var unclear = false

    public init(text: String, confidence: Double, words: [WordTiming] = [], interpretation: String? = nil, audioEnd: MediaTime = .zero) {
        self.text = text
        self.confidence = confidence
        self.words = words
        self.interpretation = interpretation
        self.audioEnd = audioEnd
    }
}
