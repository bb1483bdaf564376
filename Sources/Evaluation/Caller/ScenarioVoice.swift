import Audio
import Foundation
import RingsideCore
import Speech

/// Synthesises a scenario's caller lines before the call, in the caller's voice and rate.
public struct ScenarioVoice: Sendable {
    public let synthesizer: FliteSynthesizer
    public let rate: SampleRate

    public init(profile: CallerProfile, rate: SampleRate = .hz16000) throws {
        synthesizer = try FliteSynthesizer(voice: profile.voice, speakingRate: profile.rate)
        self.rate = rate
    }

    /// Every `say` turn's frames, by turn index.
    public func render(_ turns: [ScenarioTurn]) async throws -> [Int: [AudioFrame]] {
        var out: [Int: [AudioFrame]] = [:]
        for (i, turn) in turns.enumerated() {
            if let text = turn.spokenText { out[i] = try await frames(text) }
        }
        return out
    }

    public func frames(_ text: String) async throws -> [AudioFrame] {
        let job = try synthesizer.synthesize(text, rate: rate)
        var frames: [AudioFrame] = []
        for try await frame in job.frames { frames.append(frame) }
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
