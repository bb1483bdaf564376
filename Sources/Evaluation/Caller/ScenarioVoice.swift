import Audio
import Foundation
import RingsideCore
import Speech
import Synchronization

/// Synthesises a scenario's caller lines before the call, in the caller's engine, voice and rate.
///
/// Lines are cached per (engine, voice, rate, text) for the life of the process: the same "yes" or
/// "John Smith" recurs across a library and across runs, and synthesis is deterministic (flite is
/// reseeded per sentence), so a cached line is the audio a fresh synthesis would give.
public struct ScenarioVoice: Sendable {
    public let synthesizer: any SpeechSynthesizer
    public let rate: SampleRate
    private let key: String
    /// Caller lines: about an hour of 16 kHz audio (≈ 115 MB) at most.
    private static let cache = SynthesisCache<[AudioFrame]>(capacity: 180_000) { $0.count }

    public init(profile: CallerProfile, rate: SampleRate = .hz16000) throws {
        switch profile.engine {
        case "espeak": synthesizer = try EspeakSynthesizer(voice: profile.voice, speakingRate: profile.rate)
        default: synthesizer = try FliteSynthesizer(voice: profile.voice, speakingRate: profile.rate)
        }
        self.rate = rate
        key = "\(profile.engine)|\(profile.voice)|\(profile.rate)|\(rate.hertz)|"
    }

    /// Every `say` turn's frames, by turn index.
    public func render(_ turns: [ScenarioTurn]) async throws -> [Int: [AudioFrame]] {
        var out: [Int: [AudioFrame]] = [:]
        for (i, turn) in turns.enumerated() {
            if let file = turn.audioFile {
                out[i] = try Self.recorded(file, rate: rate)
            } else if let text = turn.spokenText {
                out[i] = try await frames(text)
            }
        }
        return out
    }

    /// A recorded line as 20 ms frames at `rate`: mono, or the left (caller) channel of a stereo call recording.
    static func recorded(_ path: String, rate: SampleRate) throws -> [AudioFrame] {
        let audio = try WAVFile.read(path: path)
        var samples = audio.channels > 1 ? audio.channel(0) : audio.samples
        if audio.sampleRate != rate.hertz {
            let resampler = try Resampler(from: audio.sampleRate, to: rate.hertz)
            samples = resampler.process(samples) + resampler.process([Int16](repeating: 0, count: audio.sampleRate / 50))
        }
        let n = rate.samplesPerFrame
        var frames: [AudioFrame] = []
        var start = 0
        while start < samples.count {
            var chunk = Array(samples[start..<min(samples.count, start + n)])
            if chunk.count < n { chunk += [Int16](repeating: 0, count: n - chunk.count) }
            frames.append(AudioFrame(rate: rate, samples: chunk, timestamp: .milliseconds(Double(frames.count) * 20)))
            start += n
        }
        return frames
    }

    public func frames(_ text: String) async throws -> [AudioFrame] {
        if let cached = Self.cache.lookup(key + text) { return cached }
        let job = try synthesizer.synthesize(text, rate: rate)
        var frames: [AudioFrame] = []
        for try await frame in job.frames { frames.append(frame) }
        Self.cache.store(key + text, frames)
        return frames
    }

    /// The voice's speaking level (RMS of its voiced frames), the reference for noise levels.
    public func speechRMS() async throws -> Double {
        let frames = try await frames("Hello, I would like some help with my appointment on Tuesday, please.")
        let levels = frames.map { f in (f.samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, f.samples.count))).squareRoot() }
        let loud = levels.max() ?? 0
        let voiced = levels.filter { $0 > 0.1 * loud }
        return voiced.isEmpty ? 1000 : (voiced.map { $0 * $0 }.reduce(0, +) / Double(voiced.count)).squareRoot()
    }
}
