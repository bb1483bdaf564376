import Testing
@testable import Telephony

@Suite struct RTCPTests {
    @Test func receiverReportKnownBytes() throws {
        let block = RTCPReportBlock(ssrc: 0x0A0B_0C0D, fractionLost: 0x40, cumulativeLost: 3, extendedHighestSequence: 0x0001_0005,
                                    jitter: 12, lastSR: 0x1234_5678, delaySinceLastSR: 0x0001_0000)
        let bytes = RTCPPacket.receiverReport(ssrc: 0x1111_1111, reports: [block]).serialized()
        #expect(bytes == [0x81, 201, 0x00, 0x07, 0x11, 0x11, 0x11, 0x11,
                          0x0A, 0x0B, 0x0C, 0x0D, 0x40, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x05,
                          0x00, 0x00, 0x00, 0x0C, 0x12, 0x34, 0x56, 0x78, 0x00, 0x01, 0x00, 0x00])
        #expect(try RTCPPacket.parseCompound(bytes) == [.receiverReport(ssrc: 0x1111_1111, reports: [block])])
    }

    @Test func senderReportRoundTripWithNegativeLoss() throws {
        let block = RTCPReportBlock(ssrc: 5, fractionLost: 0, cumulativeLost: -2, extendedHighestSequence: 70000, jitter: 99, lastSR: 0, delaySinceLastSR: 0)
        let sr = RTCPPacket.senderReport(ssrc: 9, sender: RTCPSenderInfo(ntpTimestamp: 0x0102_0304_0506_0708, rtpTimestamp: 160, packetCount: 50, octetCount: 8000), reports: [block])
        let bytes = RTCPPacket.compound([sr, .receiverReport(ssrc: 9, reports: [])])
        #expect(bytes.count == 52 + 8)
        #expect(Array(bytes[33..<36]) == [0xFF, 0xFF, 0xFE])  // −2 in 24-bit two's complement
        #expect(try RTCPPacket.parseCompound(bytes) == [sr, .receiverReport(ssrc: 9, reports: [])])
    }

    @Test func goodbyeKnownBytes() throws {
        let bytes = RTCPPacket.goodbye(ssrcs: [0x0102_0304]).serialized()
        #expect(bytes == [0x81, 203, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04])
        #expect(try RTCPPacket.parseCompound(bytes) == [.goodbye(ssrcs: [0x0102_0304])])
        #expect(throws: RTPPacketError.self) { try RTCPPacket.parseCompound([0x82, 203, 0x00, 0x01, 1, 2, 3, 4]) }  // 2 SSRCs declared, 1 present
    }

    @Test func garbageIsATypedError() {
        #expect(throws: RTPPacketError.self) { try RTCPPacket.parseCompound([0x81, 201, 0x00, 0x07, 0, 0, 0, 0]) }  // length overruns
        #expect(throws: RTPPacketError.self) { try RTCPPacket.parseCompound([0x41, 201, 0x00, 0x00]) }  // version 1
        #expect(throws: RTPPacketError.self) { try RTCPPacket.parseCompound([0x81, 200, 0x00, 0x01, 0, 0, 0, 0]) }  // SR too short
        #expect(throws: RTPPacketError.self) { try RTCPPacket.parseCompound([1, 2]) }
    }

    @Test func roundTripFromLSRAndDLSR() {
        // SR sent at NTP middle bits 0x00010000 (1 s); the peer held it 0.25 s; we got the RR at 1.75 s → RTT 0.5 s.
        let block = RTCPReportBlock(ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0,
                                    lastSR: 0x0001_0000, delaySinceLastSR: 0x4000)
        let arrival: UInt64 = 0x0001_C000 << 16
        #expect(block.roundTrip(arrivalNTP: arrival) == 0.5)
        var noSR = block
        noSR.lastSR = 0
        #expect(noSR.roundTrip(arrivalNTP: arrival) == nil)
    }

    @Test func receiverStatisticsLossWrapAndJitter() {
        var stats = RTPReceiverStatistics()
        // 10 packets from seq 65530 across the wrap, every third lost; perfect timing → zero jitter.
        var seq: UInt16 = 65530
        var ts: UInt32 = 0
        for i in 0..<10 {
            if i % 3 != 2 { stats.record(sequence: seq, rtpTimestamp: ts, arrival: ts &+ 1000) }
            seq &+= 1
            ts &+= 160
        }
        #expect(stats.extendedHighestSequence == 0x1_0000 + 3)
        #expect(stats.expected == 10)
        #expect(stats.received == 7)
        #expect(stats.cumulativeLost == 3)
        #expect(stats.jitter == 0)
        let block = stats.makeReportBlock(ssrc: 1, lastSR: 0, delaySinceLastSR: 0)
        #expect(block.fractionLost == UInt8(3 * 256 / 10))
        #expect(block.cumulativeLost == 3)
        #expect(stats.makeReportBlock(ssrc: 1, lastSR: 0, delaySinceLastSR: 0).fractionLost == 0)
    }

    @Test func jitterFollowsA8() {
        var stats = RTPReceiverStatistics()
        // Arrival alternates 0 and +80 units late: |D| = 80 every packet; J converges towards 80.
        for i in 0..<400 {
            let ts = UInt32(i * 160)
            stats.record(sequence: UInt16(i), rtpTimestamp: ts, arrival: ts + (i % 2 == 0 ? 0 : 80))
        }
        #expect(stats.jitter >= 78 && stats.jitter <= 80)
        // One step by hand: from J=0, one |D|=16 gives J=1.
        var one = RTPReceiverStatistics()
        one.record(sequence: 0, rtpTimestamp: 0, arrival: 0)
        one.record(sequence: 1, rtpTimestamp: 160, arrival: 176)
        #expect(one.jitter == 1)
    }
}
