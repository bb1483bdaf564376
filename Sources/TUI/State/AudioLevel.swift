import Foundation

/// The latest level of one side's audio, linear 0…1 as the meters report it.
public struct AudioLevel: Sendable, Equatable {
    public var rms: Double
    public var peak: Double

    public init(rms: Double = 0, peak: Double = 0) {
        self.rms = rms
        self.peak = peak
    }

    /// The RMS level on a 0…1 scale spanning -60…0 dBFS, which is how a meter should move.
    public var meterFraction: Double {
        guard rms > 0 else { return 0 }
        let db = 20 * log10(rms)
        return min(1, max(0, (db + 60) / 60))
    }
}
