import RingsideCore

/// A text-to-speech engine that streams: audio frames come out as soon as they exist.
///
/// `synthesize` returns at once; the job's `frames` yield 20 ms frames at the requested rate, and
/// `cancel()` (barge-in) stops them within one frame. Voice and speaking rate belong to the engine.
public protocol SpeechSynthesizer: Sendable {
    /// Starts speaking `text` at `rate`; frame timestamps start at `start`.
    func synthesize(_ text: String, rate: SampleRate, start: MediaTime) throws -> SynthesisJob
}

extension SpeechSynthesizer {
    public func synthesize(_ text: String, rate: SampleRate) throws -> SynthesisJob {
        try synthesize(text, rate: rate, start: .zero)
    }
}
