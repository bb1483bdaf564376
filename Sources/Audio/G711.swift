/// ITU-T G.711 companding: μ-law (North America, Japan) and A-law (elsewhere), 8 bits per sample.
public enum G711 {
    private static let muBias = 0x84
    private static let muClip = 32635

    public static func muLawEncode(_ sample: Int16) -> UInt8 {
        var s = Int(sample)
        let sign = s < 0 ? 0x80 : 0
        if s < 0 { s = -s }
        if s > muClip { s = muClip }
        s += muBias
        // Segment = position of the highest set bit above bit 7.
        var exponent = 7
        var mask = 0x4000
        while exponent > 0 && s & mask == 0 { exponent -= 1; mask >>= 1 }
        let mantissa = (s >> (exponent + 3)) & 0x0F
        return ~UInt8(sign | exponent << 4 | mantissa)
    }

    public static func muLawDecode(_ code: UInt8) -> Int16 {
        let u = Int(~code)
        let exponent = (u >> 4) & 0x07
        let mantissa = u & 0x0F
        let magnitude = ((mantissa << 3) + muBias) << exponent
        return Int16(u & 0x80 != 0 ? muBias - magnitude : magnitude - muBias)
    }

    public static func aLawEncode(_ sample: Int16) -> UInt8 {
        var v = Int(sample) >> 3  // 13-bit magnitude domain
        let mask: Int
        if v >= 0 { mask = 0xD5 } else { mask = 0x55; v = -v - 1 }
        var segment = 0
        var limit = 0x1F
        while segment < 8 && v > limit { segment += 1; limit = (limit << 1) | 1 }
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        var code = segment << 4
        code |= segment < 2 ? (v >> 1) & 0x0F : (v >> segment) & 0x0F
        return UInt8(code ^ mask)
    }

    public static func aLawDecode(_ code: UInt8) -> Int16 {
        let a = Int(code) ^ 0x55
        var t = (a & 0x0F) << 4
        let segment = (a & 0x70) >> 4
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t += 0x108; t <<= segment - 1
        }
        return Int16(a & 0x80 != 0 ? t : -t)
    }

    public static func muLawEncode(_ samples: [Int16]) -> [UInt8] { samples.map(muLawEncode) }
    public static func muLawDecode(_ codes: [UInt8]) -> [Int16] { codes.map(muLawDecode) }
    public static func aLawEncode(_ samples: [Int16]) -> [UInt8] { samples.map(aLawEncode) }
    public static func aLawDecode(_ codes: [UInt8]) -> [Int16] { codes.map(aLawDecode) }
}
