import Testing
@testable import Telephony

@Suite struct DTMFTests {
    @Test func telephoneEventKnownBytes() throws {
        // Digit 5, end, volume 10, duration 800.
        let e = TelephoneEvent(event: 5, isEnd: true, volume: 10, duration: 800)
        #expect(e.serialized() == [0x05, 0x8A, 0x03, 0x20])
        #expect(try TelephoneEvent(parsing: [0x05, 0x8A, 0x03, 0x20]) == e)
        #expect(TelephoneEvent.code(for: "#") == 11)
        #expect(TelephoneEvent(event: 10, isEnd: false, duration: 0).digit == "*")
        #expect(throws: RTPPacketError.self) { try TelephoneEvent(parsing: [1, 2]) }
    }

    @Test func senderProducesStartContinuationAndThreeEnds() throws {
        let packets = try #require(DTMFSender.packets(for: "7", durationMs: 100, intervalMs: 20, clockRate: 8000))
        #expect(packets.count == 4 + 3)
        #expect(packets[0].marker)
        #expect(packets.dropFirst().allSatisfy { !$0.marker })
        #expect(packets.prefix(4).map(\.event.duration) == [160, 320, 480, 640])
        #expect(packets.suffix(3).allSatisfy { $0.event.isEnd && $0.event.duration == 800 })
        #expect(packets.prefix(4).allSatisfy { !$0.event.isEnd })
        #expect(DTMFSender.packets(for: "x") == nil)
    }

    @Test func roundTripReportsEachDigitOnce() throws {
        var receiver = DTMFReceiver()
        var heard: [Character] = []
        var timestamp: UInt32 = 1000
        for digit in "1234#*0" {
            let packets = try #require(DTMFSender.packets(for: digit))
            for p in packets + [packets.last!] {  // a duplicated end packet too
                if let d = receiver.receive(timestamp: timestamp, payload: p.event.serialized()) { heard.append(d) }
            }
            timestamp &+= 1600
        }
        // The same digit twice in a row is two events (new timestamp).
        for _ in 0..<2 {
            let packets = try #require(DTMFSender.packets(for: "9"))
            for p in packets { if let d = receiver.receive(timestamp: timestamp, payload: p.event.serialized()) { heard.append(d) } }
            timestamp &+= 1600
        }
        #expect(String(heard) == "1234#*099")
    }
}
