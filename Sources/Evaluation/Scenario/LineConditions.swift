/// What the phone line does to the caller's voice, reproducibly from `seed`.
public struct LineConditions: Sendable, Equatable {
    /// Background noise: coloured noise, or babble (several other talkers at once).
    public enum Noise: String, Sendable, Equatable, CaseIterable { case brown, white, babble }

    public var seed: UInt64
    public var noise: Noise?
    /// Speech-to-noise ratio in dB (with `noise`).
    public var snrDB: Double
    /// Band-limit to 8 kHz and round-trip through G.711 μ-law, as a phone line does.
    public var telephoneBand: Bool
    /// Fraction (0…1) of 20 ms frames lost (replaced by silence).
    public var dropFrames: Double

    public init(seed: UInt64 = 1, noise: Noise? = nil, snrDB: Double = 20, telephoneBand: Bool = false, dropFrames: Double = 0) {
        self.seed = seed
        self.noise = noise
        self.snrDB = snrDB
        self.telephoneBand = telephoneBand
        self.dropFrames = dropFrames
    }

    /// True when the line changes nothing.
    public var isClean: Bool { noise == nil && !telephoneBand && dropFrames == 0 }
}
