/// One RTCP packet of a compound datagram: the reports Ringside reads and writes, anything else kept by type.
public enum RTCPPacket: Sendable, Equatable {
    case senderReport(ssrc: UInt32, sender: RTCPSenderInfo, reports: [RTCPReportBlock])
    case receiverReport(ssrc: UInt32, reports: [RTCPReportBlock])
    /// BYE: these sources are leaving the session (RFC 3550 section 6.6).
    case goodbye(ssrcs: [UInt32])
    /// SDES, APP and others: skipped by length.
    case other(type: UInt8)

    public static let senderReportType: UInt8 = 200
    public static let receiverReportType: UInt8 = 201
    public static let goodbyeType: UInt8 = 203

    /// Parses a compound RTCP datagram; throws `RTPPacketError` if any packet is malformed.
    public static func parseCompound(_ bytes: [UInt8]) throws -> [RTCPPacket] {
        var out: [RTCPPacket] = []
        var i = 0
        guard bytes.count >= 4 else { throw RTPPacketError.tooShort(length: bytes.count, needed: 4) }
        while i < bytes.count {
            let remaining = bytes.count - i
            guard remaining >= 4 else { throw RTPPacketError.tooShort(length: remaining, needed: 4) }
            let version = Int(bytes[i] >> 6)
            guard version == 2 else { throw RTPPacketError.wrongVersion(version) }
            let count = Int(bytes[i] & 0x1F)
            let type = bytes[i + 1]
            let length = (Int(ByteReader.u16(bytes, i + 2)) + 1) * 4
            guard length <= remaining else { throw RTPPacketError.badLength(type: type, declared: length, available: remaining) }
            switch type {
            case senderReportType:
                let needed = 28 + count * RTCPReportBlock.size
                guard length >= needed else { throw RTPPacketError.badLength(type: type, declared: length, available: needed) }
                let sender = RTCPSenderInfo(ntpTimestamp: ByteReader.u64(bytes, i + 8), rtpTimestamp: ByteReader.u32(bytes, i + 16),
                                            packetCount: ByteReader.u32(bytes, i + 20), octetCount: ByteReader.u32(bytes, i + 24))
                let blocks = (0..<count).map { RTCPReportBlock(bytes: bytes, at: i + 28 + $0 * RTCPReportBlock.size) }
                out.append(.senderReport(ssrc: ByteReader.u32(bytes, i + 4), sender: sender, reports: blocks))
            case receiverReportType:
                let needed = 8 + count * RTCPReportBlock.size
                guard length >= needed else { throw RTPPacketError.badLength(type: type, declared: length, available: needed) }
                let blocks = (0..<count).map { RTCPReportBlock(bytes: bytes, at: i + 8 + $0 * RTCPReportBlock.size) }
                out.append(.receiverReport(ssrc: ByteReader.u32(bytes, i + 4), reports: blocks))
            case goodbyeType:
                let needed = 4 + count * 4
                guard length >= needed else { throw RTPPacketError.badLength(type: type, declared: length, available: needed) }
                out.append(.goodbye(ssrcs: (0..<count).map { ByteReader.u32(bytes, i + 4 + $0 * 4) }))
            default:
                out.append(.other(type: type))
            }
            i += length
        }
        return out
    }

    /// The packet on the wire (SR, RR and BYE; `.other` writes nothing).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        switch self {
        case let .senderReport(ssrc, sender, reports):
            let blocks = Array(reports.prefix(31))
            header(&out, count: blocks.count, type: Self.senderReportType, bytes: 28 + 24 * blocks.count)
            ByteWriter.u32(&out, ssrc)
            ByteWriter.u64(&out, sender.ntpTimestamp)
            ByteWriter.u32(&out, sender.rtpTimestamp)
            ByteWriter.u32(&out, sender.packetCount)
            ByteWriter.u32(&out, sender.octetCount)
            for b in blocks { b.write(to: &out) }
        case let .receiverReport(ssrc, reports):
            let blocks = Array(reports.prefix(31))
            header(&out, count: blocks.count, type: Self.receiverReportType, bytes: 8 + 24 * blocks.count)
            ByteWriter.u32(&out, ssrc)
            for b in blocks { b.write(to: &out) }
        case let .goodbye(ssrcs):
            let sources = Array(ssrcs.prefix(31))
            header(&out, count: sources.count, type: Self.goodbyeType, bytes: 4 + 4 * sources.count)
            for s in sources { ByteWriter.u32(&out, s) }
        case .other:
            break
        }
        return out
    }

    private func header(_ out: inout [UInt8], count: Int, type: UInt8, bytes: Int) {
        out.append(0x80 | UInt8(count))
        out.append(type)
        ByteWriter.u16(&out, UInt16(bytes / 4 - 1))
    }

    /// Serialises several packets into one compound datagram.
    public static func compound(_ packets: [RTCPPacket]) -> [UInt8] { packets.flatMap { $0.serialized() } }
}
