/// An audio codec Ringside can carry over RTP, with its SDP name and RTP clock.
public enum MediaCodec: String, Sendable, CaseIterable, Codable {
    case opus, pcmu, pcma

    /// The encoding name as SDP's `a=rtpmap` spells it.
    public var encodingName: String {
        switch self {
        case .opus: return "opus"
        case .pcmu: return "PCMU"
        case .pcma: return "PCMA"
        }
    }

    /// RTP timestamp clock rate (Opus is always 48 kHz on the wire, RFC 7587).
    public var clockRate: Int { self == .opus ? 48000 : 8000 }
    public var channels: Int { self == .opus ? 2 : 1 }
    /// The payload type Ringside offers (static for G.711, dynamic for Opus).
    public var defaultPayloadType: UInt8 {
        switch self {
        case .opus: return 111
        case .pcmu: return 0
        case .pcma: return 8
        }
    }
    /// RTP timestamp increment per 20 ms frame.
    public var samplesPerFrame: UInt32 { UInt32(clockRate / 50) }
    /// Telephone band (G.711: 8 kHz, 0–4 kHz of speech): what hears it should expect the top octave missing.
    public var isNarrowband: Bool { clockRate == 8000 }

    /// The codec for an SDP encoding name and clock rate, case-insensitively.
    public init?(encodingName: String, clockRate: Int) {
        guard let c = MediaCodec.allCases.first(where: { $0.encodingName.lowercased() == encodingName.lowercased() && $0.clockRate == clockRate })
        else { return nil }
        self = c
    }

    /// Codecs from a comma-separated list ("opus,pcmu"), in order; nil if a name is unknown or none is given.
    public static func list(_ text: String) -> [MediaCodec]? {
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let codecs = names.compactMap { MediaCodec(rawValue: $0) }
        return codecs.isEmpty || codecs.count != names.count ? nil : codecs
    }
}
