import RingsideCore

/// A streaming speech-to-text engine for one call.
///
/// Drive it per utterance: `beginUtterance(expecting:)`, then `accept(_:)` for every 20 ms frame
/// (each call may return a partial hypothesis), then `endUtterance()` for the final result.
/// Engines that cannot use an expectation ignore it. An instance serves one call at a time.
public protocol SpeechRecognizer: Sendable {
    /// Starts a new utterance. `expectation` says what the dialogue expects next; `nil` or `.open`
    /// means open recognition.
    func beginUtterance(expecting expectation: RecognitionExpectation?) async throws
    /// Feeds one frame; returns the current hypothesis when one exists (see `PartialTranscript.changed`).
    func accept(_ frame: AudioFrame) async throws -> PartialTranscript?
    /// Ends the utterance and returns the final hypothesis.
    func endUtterance() async throws -> RecognitionResult
    /// The caller paused: speech stopped at `trueEnd` (the turn may still go on). A recogniser with a
    /// slower, better pass may start it now, speculatively, so its final is ready when the turn ends.
    func notePause(trueEnd: MediaTime) async
    /// The caller went on after a pause: work started at the pause is void.
    func noteResumed() async
    /// Which engine produces this recogniser's finals ("pocketsphinx", "whisper").
    var engineName: String { get }
    /// In a pause: the better pass's words for the audio up to it, once the work started there is
    /// done and its words would stand as the final; nil otherwise (and for one-pass recognisers).
    func speculativeText() async -> String?
}

extension SpeechRecognizer {
    public func notePause(trueEnd: MediaTime) async {}
    public func noteResumed() async {}
    public func speculativeText() async -> String? { nil }
}
