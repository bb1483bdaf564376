import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Speech

/// A listening condition of the benchmark, applied reproducibly to clean 16 kHz speech.
enum AudioCondition: String, CaseIterable, Codable, Sendable {
    case clean
    case brown15 = "brown-15dB"
    case pink15 = "pink-15dB"
    case white20 = "white-20dB"
    /// A synthetic room (reverberation time ≈ 0.5 s): a speakerphone in a kitchen.
    case reverb = "reverb-500ms"
    case telephone = "telephone-8k-ulaw"
    /// GSM 06.10 full rate, 8 kHz: a mobile leg (encoded and decoded by sox).
    case gsm = "telephone-8k-gsm"

    /// Whether the condition reaches the recogniser as 8 kHz telephone audio.
    var isNarrowband: Bool { self == .telephone || self == .gsm }

    /// Frames as the recogniser would receive them.
    func apply(to clean: [Int16], speechPower: Double, seed: UInt64) throws -> [AudioFrame] {
        var rng = SplitMix64(seed: seed)
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        func gauss() -> Double {
            let u1 = max(1e-12, uniform())
            let u2 = uniform()
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
        case .pink15:
            // Paul Kellet's economy filter: white noise shaped to −3 dB per octave.
            var b0 = 0.0, b1 = 0.0, b2 = 0.0
            let noise = clean.map { _ -> Double in
                let w = gauss()
                b0 = 0.99765 * b0 + w * 0.0990460
                b1 = 0.96300 * b1 + w * 0.2965164
                b2 = 0.57000 * b2 + w * 1.0526913
                return b0 + b1 + b2 + w * 0.1848
            }
            return AudioFrame.frames(from: addNoise(noise, snrDB: 15), rate: .hz16000)
        case .reverb:
            return AudioFrame.frames(from: Self.reverberate(clean, seed: &rng), rate: .hz16000)
        case .telephone:
            let narrow = try Resampler.convert(clean, from: 16000, to: 8000)
            return AudioFrame.frames(from: G711.muLawDecode(G711.muLawEncode(narrow)), rate: .hz8000)
        case .gsm:
            let narrow = try Resampler.convert(clean, from: 16000, to: 8000)
            return AudioFrame.frames(from: try Self.gsmRoundTrip(narrow), rate: .hz8000)
        }
    }

    /// Convolves with a sparse synthetic room response: the direct sound, then echoes at random
    /// delays whose level decays by 60 dB over 0.5 s; the result keeps the input's loudness.
    private static func reverberate(_ clean: [Int16], seed rng: inout SplitMix64) -> [Int16] {
        let rate = 16000.0, rt60 = 0.5, taps = 600
        let length = Int(rt60 * rate)
        var response: [(delay: Int, gain: Double)] = [(0, 1)]
        for _ in 0..<taps {
            let delay = 80 + Int(rng.next() % UInt64(length - 80))  // 5 ms pre-delay
            let sign: Double = rng.next() & 1 == 0 ? 1 : -1
            let decay = pow(10, -3 * Double(delay) / (rt60 * rate))  // −60 dB at rt60
            response.append((delay, sign * 0.12 * decay))
        }
        var wet = [Double](repeating: 0, count: clean.count)
        for (delay, gain) in response {
            var i = delay
            while i < clean.count {
                wet[i] += gain * Double(clean[i - delay])
                i += 1
            }
        }
        let inPower = clean.reduce(0.0) { $0 + Double($1) * Double($1) }
        let outPower = wet.reduce(0.0) { $0 + $1 * $1 }
        let scale = outPower > 0 ? (inPower / outPower).squareRoot() : 1
        return wet.map { Int16(clamping: Int(($0 * scale).rounded())) }
    }

    /// Encodes and decodes 8 kHz samples with GSM 06.10 through sox.
    private static func gsmRoundTrip(_ samples: [Int16]) throws -> [Int16] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-bench-gsm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let raw = dir.appendingPathComponent("in.raw"), gsm = dir.appendingPathComponent("mid.gsm"), back = dir.appendingPathComponent("out.raw")
        try samples.withUnsafeBytes { Data($0) }.write(to: raw)
        let pcm = ["-t", "raw", "-r", "8000", "-e", "signed-integer", "-b", "16", "-c", "1"]
        try runSox(pcm + [raw.path, "-t", "gsm", gsm.path])
        try runSox(["-t", "gsm", gsm.path] + pcm + [back.path])
        let data = try Data(contentsOf: back)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }

    private static func runSox(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sox", "-q"] + arguments
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ValidationError("sox \(arguments.joined(separator: " ")) failed (status \(p.terminationStatus)); the GSM condition needs sox with GSM support")
        }
    }
}
