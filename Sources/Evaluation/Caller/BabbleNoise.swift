import Audio
import Foundation
import RingsideCore
import Speech

/// Background babble: a dozen synthetic talkers speaking unrelated sentences at once, as in a
/// waiting room or a café. Built from flite voices, mixed at seeded offsets and scaled to unit
/// power, so `PhoneLine` can set it to any speech-to-noise ratio like its coloured noises.
enum BabbleNoise {
    static let sentences = [
        "Did you see the game last night, it went on forever.",
        "I think the bus is running late again this morning.",
        "Could you pass me the sugar, thank you very much.",
        "We should book the tickets before they are all gone.",
        "My sister moved to the coast and loves it there.",
        "The printer on the second floor is broken again.",
    ]

    /// About eight seconds of babble (unit RMS) at `rate`, looped by the line.
    static func bed(seed: UInt64, rate: SampleRate) async throws -> [Double] {
        var talkers: [[Double]] = []
        var random = SplitMix64(seed: seed &* 7 &+ 3)
        let voices = ["slt", "rms", "awb", "kal"]
        for k in 0..<12 {
            let voice = voices[k % voices.count]
            let speaker = try ScenarioVoice(profile: CallerProfile(engine: "flite", voice: voice), rate: rate)
            var samples: [Double] = []
            for j in 0..<3 {
                let text = sentences[(k / voices.count + k + j * 5) % sentences.count]
                for frame in try await speaker.frames(text) { samples += frame.samples.map(Double.init) }
            }
            talkers.append(samples)
        }
        let length = talkers.map(\.count).min() ?? 0
        guard length > 0 else { return [] }
        var mix = [Double](repeating: 0, count: length)
        for talker in talkers {
            let offset = Int(random.next() % UInt64(length))
            for i in 0..<length { mix[i] += talker[(i + offset) % length] }
        }
        let rms = (mix.reduce(0) { $0 + $1 * $1 } / Double(length)).squareRoot()
        return rms > 0 ? mix.map { $0 / rms } : mix
    }
}

/// What a noisy line made the agent do, from a call's events: with a scripted caller who waits for
/// the agent to finish, any caller speech heard while the agent talks is the noise.
public struct NoiseIntrusions: Sendable, Equatable {
    /// Times the agent stopped talking because it heard the caller.
    public var bargeIns = 0
    /// Caller speech starts while the agent was talking: the noise taken for the caller.
    public var phantomStarts = 0

    public init(events: [CallEvent]) {
        var agentTalking = false
        for event in events {
            switch event.payload {
            case .playoutStarted: agentTalking = true
            case .playoutFinished: agentTalking = false
            case .bargeIn: bargeIns += 1
            case .speechStarted(speaker: .caller) where agentTalking: phantomStarts += 1
            default: break
            }
        }
    }
}
