/// One RTP packet (RFC 3550 section 5.1): header fields, optional CSRCs and header extension, payload.
public struct RTPPacket: Sendable, Equatable {
    public static let fixedHeaderSize = 12

    public var payloadType: UInt8
    public var marker: Bool
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: [UInt32]
    /// The profile-defined 16 bits and the extension words (a multiple of 4 bytes), when the X bit is set.
    public var headerExtension: (profile: UInt16, data: [UInt8])? {
        get { extensionProfile.map { ($0, extensionData) } }
        set { extensionProfile = newValue?.profile; extensionData = newValue?.data ?? [] }
    }
    public var payload: [UInt8]
    /// Padding octets after the payload (0 = P bit clear).
    public var paddingCount: UInt8

    private var extensionProfile: UInt16?
    private var extensionData: [UInt8] = []

    public init(payloadType: UInt8, marker: Bool = false, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
                csrcs: [UInt32] = [], payload: [UInt8], paddingCount: UInt8 = 0) {
        self.payloadType = payloadType & 0x7F
        self.marker = marker
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = Array(csrcs.prefix(15))
        self.payload = payload
        self.paddingCount = paddingCount
    }

    /// Parses a datagram; throws `RTPPacketError` for anything that is not a consistent version-2 packet.
    public init(parsing bytes: [UInt8]) throws {
        let n = bytes.count
        guard n >= Self.fixedHeaderSize else { throw RTPPacketError.tooShort(length: n, needed: Self.fixedHeaderSize) }
        let version = Int(bytes[0] >> 6)
        guard version == 2 else { throw RTPPacketError.wrongVersion(version) }
        let hasPadding = bytes[0] & 0x20 != 0
        let hasExtension = bytes[0] & 0x10 != 0
        let csrcCount = Int(bytes[0] & 0x0F)
        marker = bytes[1] & 0x80 != 0
        payloadType = bytes[1] & 0x7F
        sequenceNumber = ByteReader.u16(bytes, 2)
        timestamp = ByteReader.u32(bytes, 4)
        ssrc = ByteReader.u32(bytes, 8)
        var offset = Self.fixedHeaderSize
        let withCSRC = offset + 4 * csrcCount
        guard n >= withCSRC else { throw RTPPacketError.tooShort(length: n, needed: withCSRC) }
        csrcs = (0..<csrcCount).map { ByteReader.u32(bytes, offset + 4 * $0) }
        offset = withCSRC
        if hasExtension {
            guard n >= offset + 4 else { throw RTPPacketError.tooShort(length: n, needed: offset + 4) }
            extensionProfile = ByteReader.u16(bytes, offset)
            let words = Int(ByteReader.u16(bytes, offset + 2))
            offset += 4
            guard n >= offset + 4 * words else {
                throw RTPPacketError.extensionOverrun(declared: 4 * words, available: n - offset)
            }
            extensionData = Array(bytes[offset..<(offset + 4 * words)])
            offset += 4 * words
        }
        var end = n
        paddingCount = 0
        if hasPadding {
            let count = Int(bytes[n - 1])
            guard count >= 1, count <= n - offset else { throw RTPPacketError.badPadding(count: count, available: n - offset) }
            paddingCount = UInt8(count)
            end = n - count
        }
        payload = Array(bytes[offset..<end])
    }

    /// The packet as it goes on the wire.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.fixedHeaderSize + 4 * csrcs.count + extensionData.count + payload.count + Int(paddingCount) + 4)
        var b0: UInt8 = 0x80 | UInt8(csrcs.count & 0x0F)
        if paddingCount > 0 { b0 |= 0x20 }
        if extensionProfile != nil { b0 |= 0x10 }
        out.append(b0)
        out.append((marker ? 0x80 : 0) | (payloadType & 0x7F))
        ByteWriter.u16(&out, sequenceNumber)
        ByteWriter.u32(&out, timestamp)
        ByteWriter.u32(&out, ssrc)
        for c in csrcs { ByteWriter.u32(&out, c) }
        if let profile = extensionProfile {
            var data = extensionData
            while data.count % 4 != 0 { data.append(0) }
            ByteWriter.u16(&out, profile)
            ByteWriter.u16(&out, UInt16(truncatingIfNeeded: data.count / 4))
            out += data
        }
        out += payload
        if paddingCount > 0 {
            out += [UInt8](repeating: 0, count: Int(paddingCount) - 1)
            out.append(paddingCount)
        }
        return out
    }

    public static func == (a: RTPPacket, b: RTPPacket) -> Bool {
        a.payloadType == b.payloadType && a.marker == b.marker && a.sequenceNumber == b.sequenceNumber
            && a.timestamp == b.timestamp && a.ssrc == b.ssrc && a.csrcs == b.csrcs && a.extensionProfile == b.extensionProfile
            && a.extensionData == b.extensionData && a.payload == b.payload && a.paddingCount == b.paddingCount
    }
}
