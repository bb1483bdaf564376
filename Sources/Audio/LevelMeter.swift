import Foundation
import RingsideCore

/// Signal level of a block of samples, in linear units (0…1 of full scale) and dBFS.
public struct AudioLevel: Sendable, Equatable {
    public var rms: Double
    public var peak: Double

    public init(rms: Double, peak: Double) {
        self.rms = rms
        self.peak = peak
    }

    public init(samples: [Int16]) {
        guard !samples.isEmpty else { self.init(rms: 0, peak: 0); return }
        var sum = 0.0
        var peak = 0
        for s in samples {
            let v = Int(s)
            sum += Double(v * v)
            peak = max(peak, abs(v))
        }
        self.init(rms: (sum / Double(samples.count)).squareRoot() / 32768.0, peak: Double(peak) / 32768.0)
    }

    public init(frame: AudioFrame) { self.init(samples: frame.samples) }

    /// Level in dB relative to full scale; silence reads −120.
    public static func dBFS(_ linear: Double) -> Double { linear > 0 ? max(-120, 20 * log10(linear)) : -120 }

    public var rmsDBFS: Double { Self.dBFS(rms) }
    /// Above −40 dBFS: sound, not the near-silence a synthesiser puts around its speech (or a clean loop's digital zero).
    public var isSound: Bool { rms > 0.01 }
    public var peakDBFS: Double { Self.dBFS(peak) }
}

/// Power of one frequency in a block of samples (the Goertzel algorithm): for tone checks and DTMF.
public enum Goertzel {
    /// Power of `frequency`, normalised so a full-scale sine gives about 0.25.
    public static func power(of frequency: Double, in samples: [Int16], sampleRate: Int) -> Double {
        guard !samples.isEmpty else { return 0 }
        let n = Double(samples.count)
        let k = (n * frequency / Double(sampleRate)).rounded()
        let w = 2 * Double.pi * k / n
        let coeff = 2 * cos(w)
        var s1 = 0.0, s2 = 0.0
        for x in samples {
            let s0 = Double(x) / 32768.0 + coeff * s1 - s2
            s2 = s1
            s1 = s0
        }
        let p = s1 * s1 + s2 * s2 - coeff * s1 * s2
        return p / (n * n)
    }
}
