import RingsideCore

/// One benchmark utterance: what is said, in segments separated by pauses, and what was expected.
struct CorpusUtterance: Sendable {
    var id: Int
    var category: String
    /// Spoken pieces; a pause of `pausesMs[i]` follows segment i (except the last).
    var segments: [String]
    var pausesMs: [Int]
    var expectation: RecognitionExpectation?
    var voice: String

    var text: String { segments.joined(separator: " ") }
}
