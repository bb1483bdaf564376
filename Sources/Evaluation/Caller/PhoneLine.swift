import Audio
import Foundation
import RingsideCore
import Speech

/// The line between the simulated caller and the agent: adds seeded background noise (brown, white,
/// or babble of other talkers) at a set speech-to-noise ratio, band-limits through an 8 kHz G.711 μ-law round trip, and drops frames.
///
/// It wraps the caller's `AudioSource`, so noise is present in pauses too, as on a real line.
public final class PhoneLine: AudioSource, @unchecked Sendable {
    public let rate: SampleRate
    private let source: any AudioSource
    private let conditions: LineConditions
    private let noiseRMS: Double
    private var noiseRandom: SplitMix64
    private var dropRandom: SplitMix64
    private var brown = 0.0
    private let babble: [Double]
    private var babblePosition = 0
    private var down: Resampler?
    private var up: Resampler?
    private var pending: [Int16] = []

    /// `speechRMS` is the caller voice's speaking level, the reference for the noise level; `babble`
    /// is a unit-power bed of background talkers, looped (needed for `noise: babble`).
    public init(source: any AudioSource, conditions: LineConditions, speechRMS: Double, babble: [Double] = []) throws {
        self.babble = babble
        self.source = source
        self.rate = source.rate
        self.conditions = conditions
        noiseRMS = speechRMS / pow(10, conditions.snrDB / 20)
        noiseRandom = SplitMix64(seed: conditions.seed &* 2 &+ 1)
        dropRandom = SplitMix64(seed: conditions.seed &* 2 &+ 2)
        if conditions.telephoneBand, source.rate.hertz != 8000 {
            down = try Resampler(from: source.rate.hertz, to: 8000)
            up = try Resampler(from: 8000, to: source.rate.hertz)
        }
    }

    public func nextFrame() throws -> AudioFrame? {
        guard let frame = try source.nextFrame() else { return nil }
        var samples = frame.samples.map(Double.init)
        if let noise = conditions.noise {
            for i in samples.indices { samples[i] += nextNoise(noise) * noiseRMS }
        }
        var out = samples.map { Int16(clamping: Int($0.rounded())) }
        if conditions.telephoneBand { out = telephone(out) }
        if conditions.dropFrames > 0, uniform(&dropRandom) < conditions.dropFrames {
            out = [Int16](repeating: 0, count: out.count)
        }
        return AudioFrame(rate: rate, samples: out, timestamp: frame.timestamp)
    }

    /// Unit-power noise of the chosen colour.
    private func nextNoise(_ kind: LineConditions.Noise) -> Double {
        let g = gaussian()
        switch kind {
        case .white: return g
        case .babble:
            guard !babble.isEmpty else { return 0 }
            defer { babblePosition = (babblePosition + 1) % babble.count }
            return babble[babblePosition]
        case .brown:
            // A leaky integrator of white noise; its power is 1 / (1 - 0.995²).
            brown = 0.995 * brown + g
            return brown * (1 - 0.995 * 0.995).squareRoot()
        }
    }

    private func gaussian() -> Double {
        let u1 = max(1e-12, uniform(&noiseRandom))
        let u2 = uniform(&noiseRandom)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    private func uniform(_ rng: inout SplitMix64) -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    /// 16 kHz → 8 kHz → μ-law → 8 kHz → 16 kHz, streamed so frame edges stay seamless.
    private func telephone(_ samples: [Int16]) -> [Int16] {
        guard let down, let up else { return G711.muLawDecode(G711.muLawEncode(samples)) }
        let narrow = G711.muLawDecode(G711.muLawEncode(down.process(samples)))
        pending += up.process(narrow)
        let n = samples.count
        guard pending.count >= n else { return [Int16](repeating: 0, count: n) }
        defer { pending.removeFirst(n) }
        return Array(pending.prefix(n))
    }

    public func close() { source.close() }
}
