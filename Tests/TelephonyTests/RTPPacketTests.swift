import Testing
@testable import Telephony

@Suite struct RTPPacketTests {
    // V=2, no P/X, CC=0, M=1, PT=0, seq=0x1234, ts=0xDEADBEEF, ssrc=0x01020304, payload 0xAA 0xBB.
    let known: [UInt8] = [0x80, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB]

    @Test func parsesKnownBytes() throws {
        let p = try RTPPacket(parsing: known)
        #expect(p.payloadType == 0)
        #expect(p.marker)
        #expect(p.sequenceNumber == 0x1234)
        #expect(p.timestamp == 0xDEAD_BEEF)
        #expect(p.ssrc == 0x0102_0304)
        #expect(p.csrcs.isEmpty)
        #expect(p.payload == [0xAA, 0xBB])
        #expect(p.serialized() == known)
    }

    @Test func serialisesKnownBytes() {
        let p = RTPPacket(payloadType: 0, marker: true, sequenceNumber: 0x1234, timestamp: 0xDEAD_BEEF, ssrc: 0x0102_0304, payload: [0xAA, 0xBB])
        #expect(p.serialized() == known)
    }

    @Test func roundTripsCSRCExtensionAndPadding() throws {
        var p = RTPPacket(payloadType: 111, sequenceNumber: 65535, timestamp: 960, ssrc: 7, csrcs: [1, 2], payload: [1, 2, 3], paddingCount: 5)
        p.headerExtension = (profile: 0xBEDE, data: [9, 9, 9, 9])
        let bytes = p.serialized()
        #expect(bytes[0] == 0x80 | 0x20 | 0x10 | 2)
        #expect(bytes.count == 12 + 8 + 8 + 3 + 5)
        #expect(bytes.last == 5)
        let q = try RTPPacket(parsing: bytes)
        #expect(q == p)
        #expect(q.headerExtension?.profile == 0xBEDE)
        #expect(q.payload == [1, 2, 3])
    }

    @Test func rejectsMalformedPackets() {
        #expect(throws: RTPPacketError.tooShort(length: 5, needed: 12)) { try RTPPacket(parsing: [0x80, 0, 0, 0, 0]) }
        var v1 = known
        v1[0] = 0x40
        #expect(throws: RTPPacketError.wrongVersion(1)) { try RTPPacket(parsing: v1) }
        var cc = known
        cc[0] = 0x8F  // 15 CSRCs declared, none present
        #expect(throws: RTPPacketError.tooShort(length: 14, needed: 72)) { try RTPPacket(parsing: cc) }
        var pad = known
        pad[0] = 0xA0
        pad[13] = 200
        #expect(throws: RTPPacketError.badPadding(count: 200, available: 2)) { try RTPPacket(parsing: pad) }
        var ext = Array(known.prefix(12))
        ext[0] = 0x90
        ext += [0xBE, 0xDE, 0, 9]  // 9 extension words declared, none present
        #expect(throws: RTPPacketError.self) { try RTPPacket(parsing: ext) }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        var parsed = 0
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<64, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if (try? RTPPacket(parsing: bytes)) != nil { parsed += 1 }
            _ = try? RTCPPacket.parseCompound(bytes)
        }
        #expect(parsed < 2000)
    }
}
