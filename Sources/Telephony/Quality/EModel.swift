/// A listening-quality estimate from the ITU-T G.107 E-model, simplified for one RTP direction.
///
/// R = 93.2 − Id(delay) − Ie,eff(codec, loss), then R → MOS. Delay impairment uses the usual
/// simplification Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3) for one-way delay d in ms.
/// Random loss (BurstR = 1) gives Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl + Bpl).
public enum EModel {
    /// Equipment impairment Ie and packet-loss robustness Bpl of a codec (G.113 appendix I for G.711).
    public struct CodecImpairment: Sendable, Equatable {
        public var ie: Double
        public var bpl: Double
        public init(ie: Double, bpl: Double) { self.ie = ie; self.bpl = bpl }
    }

    public static let defaultR = 93.2

    /// G.711 with or without packet loss concealment; Opus is not in G.113, so a low Ie and a
    /// robust Bpl (its PLC and in-band FEC) are assumed.
    public static func impairment(for codec: MediaCodec, concealment: Bool = true) -> CodecImpairment {
        switch codec {
        case .pcmu, .pcma: return CodecImpairment(ie: 0, bpl: concealment ? 25.1 : 4.3)
        case .opus: return CodecImpairment(ie: 3, bpl: 30)
        }
    }

    /// Delay impairment for one-way mouth-to-ear delay in milliseconds.
    public static func delayImpairment(oneWayDelayMs d: Double) -> Double {
        0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0)
    }

    /// Effective equipment impairment for a loss percentage (0…100).
    public static func effectiveEquipmentImpairment(_ codec: CodecImpairment, lossPercent: Double) -> Double {
        let ppl = max(0, min(100, lossPercent))
        return codec.ie + (95 - codec.ie) * ppl / (ppl + codec.bpl)
    }

    /// The transmission rating factor R.
    public static func rating(codec: CodecImpairment, lossPercent: Double, oneWayDelayMs: Double) -> Double {
        defaultR - delayImpairment(oneWayDelayMs: oneWayDelayMs) - effectiveEquipmentImpairment(codec, lossPercent: lossPercent)
    }

    /// MOS-CQE from R (G.107 annex B).
    public static func mos(rating r: Double) -> Double {
        if r <= 0 { return 1 }
        if r >= 100 { return 4.5 }
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6
    }

    /// MOS for a codec, loss and one-way delay in one call.
    public static func mos(codec: MediaCodec, lossPercent: Double, oneWayDelayMs: Double, concealment: Bool = true) -> Double {
        mos(rating: rating(codec: impairment(for: codec, concealment: concealment), lossPercent: lossPercent, oneWayDelayMs: oneWayDelayMs))
    }
}
