import Audio
import Foundation
import RingsideCore
import Speech

/// A listening condition of the benchmark, applied reproducibly to clean 16 kHz speech.
enum AudioCondition: String, CaseIterable, Codable, Sendable {
    case clean
    case brown15 = "brown-15dB"
    case white20 = "white-20dB"
    case telephone = "telephone-8k-ulaw"

    /// Frames as the recogniser would receive them.
    func apply(to clean: [Int16], speechPower: Double, seed: UInt64) throws -> [AudioFrame] {
        var rng = SplitMix64(seed: seed)
        func gauss() -> Double {
            let u1 = max(1e-12, Double(rng.next() >> 11) / Double(1 << 53))
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
        func addNoise(_ noise: [Double], snrDB: Double) -> [Int16] {
            let noisePower = noise.reduce(0) { $0 + $1 * $1 } / Double(max(1, noise.count))
            let scale = (speechPower / pow(10, snrDB / 10) / max(noisePower, 1e-12)).squareRoot()
            return zip(clean, noise).map { Int16(clamping: Int((Double($0) + $1 * scale).rounded())) }
        }
        switch self {
        case .clean:
            return AudioFrame.frames(from: clean, rate: .hz16000)
        case .white20:
            return AudioFrame.frames(from: addNoise(clean.map { _ in gauss() }, snrDB: 20), rate: .hz16000)
        case .brown15:
            var b = 0.0
            let noise = clean.map { _ -> Double in b = 0.995 * b + gauss(); return b }
            return AudioFrame.frames(from: addNoise(noise, snrDB: 15), rate: .hz16000)
        case .telephone:
            let narrow = try Resampler.convert(clean, from: 16000, to: 8000)
            return AudioFrame.frames(from: G711.muLawDecode(G711.muLawEncode(narrow)), rate: .hz8000)
        }
    }
}
