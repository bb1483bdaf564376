import Audio
import RingsideCore
@testable import Speech

/// Shared, expensive test inputs: one generic recogniser per process, synthesised sentences.
enum SpeechFixtures {
    /// A fresh generic recogniser (≈ 0.2 s with the trimmed dictionary); one per test, because a
    /// recogniser serves one utterance at a time and tests run in parallel.
    static func recognizer() throws -> PocketSphinxRecognizer {
        try PocketSphinxRecognizer(configuration: .standard())
    }

    /// Synthesised speech trimmed of flite's leading and trailing near-silence.
    /// `threshold` is the sample magnitude below which lead-in and tail count as silence.
    static func speakTrimmed(_ text: String, voice: String = "rms", threshold: Int = 64) async throws -> [Int16] {
        let s = try await speak(text, voice: voice).flatMap(\.samples)
        guard let a = s.firstIndex(where: { abs(Int($0)) > threshold }), let b = s.lastIndex(where: { abs(Int($0)) > threshold }) else { return s }
        return Array(s[a...b])
    }

    /// Synthesises `text` with flite and returns all frames at `rate`.
    static func speak(_ text: String, voice: String = "slt", rate: SampleRate = .hz16000, start: MediaTime = .zero) async throws -> [AudioFrame] {
        let job = try FliteSynthesizer(voice: voice).synthesize(text, rate: rate, start: start)
        var frames: [AudioFrame] = []
        for try await f in job.frames { frames.append(f) }
        return frames
    }

    static func silence(_ ms: Int, rate: SampleRate = .hz16000, start: MediaTime) -> [AudioFrame] {
        (0..<(ms / 20)).map { AudioFrame.silence(rate: rate, at: start + .milliseconds(Double($0 * 20))) }
    }

    /// Re-stamps frames consecutively from `start`.
    static func restamp(_ frames: [AudioFrame], from start: MediaTime = .zero) -> [AudioFrame] {
        frames.enumerated().map { AudioFrame(rate: $1.rate, samples: $1.samples, timestamp: start + .milliseconds(Double($0 * 20))) }
    }

    /// Runs one utterance through `recognizer`, returning the partials that changed and the final.
    static func recognise(_ frames: [AudioFrame], with recognizer: PocketSphinxRecognizer,
                          expecting expectation: RecognitionExpectation? = nil) async throws -> (partials: [PartialTranscript], final: RecognitionResult) {
        try await recognizer.beginUtterance(expecting: expectation)
        var partials: [PartialTranscript] = []
        for f in frames {
            if let p = try await recognizer.accept(f), p.changed { partials.append(p) }
        }
        return (partials, try await recognizer.endUtterance())
    }
}

