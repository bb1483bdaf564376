import Foundation
import RingsideCore
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

    @Test(arguments: [SampleRate.hz8000, .hz16000, .hz48000])
    func inBandTonesAreDetectedOnce(rate: SampleRate) {
        let freqs: [Character: (Double, Double)] = ["1": (697, 1209), "5": (770, 1336), "9": (852, 1477), "#": (941, 1477), "0": (941, 1336)]
        var samples: [Int16] = []
        for digit in "1590#" {
            let (l, h) = freqs[digit]!
            let n = rate.hertz * 80 / 1000
            samples += (0..<n).map { i in
                let t = Double(i) / Double(rate.hertz)
                return Int16(8000 * (sin(2 * .pi * l * t) + sin(2 * .pi * h * t)))
            }
            samples += [Int16](repeating: 0, count: rate.hertz * 60 / 1000)
        }
        var detector = InBandDTMFDetector()
        let digits = AudioFrame.frames(from: samples, rate: rate).compactMap { detector.process($0) }
        #expect(String(digits) == "1590#")
        // Speech-like single tones and silence are not digits.
        var quiet = InBandDTMFDetector()
        let tone = AudioFrame.frames(from: (0..<rate.hertz).map { Int16(8000 * sin(2 * .pi * 1000 * Double($0) / Double(rate.hertz))) }, rate: rate)
        #expect(tone.compactMap { quiet.process($0) }.isEmpty)
    }
}
