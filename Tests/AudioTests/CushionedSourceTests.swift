import Foundation
import RingsideCore
import Testing
@testable import Audio

/// A microphone read once per tick of another clock, through a cushion: the device hands frames over in
/// bursts, late or early; the reader gets them in order, without gaps, while a burst is late by less
/// than the cushion.
@Suite struct CushionedSourceTests {
    /// A live source whose frames the test hands over (a device's bursts); numbered by their first sample.
    final class Device: AudioSource, @unchecked Sendable {
        let rate = SampleRate.hz16000
        var isLive: Bool { true }
        private var ready: [AudioFrame] = []
        private var made = 0
        private(set) var closed = false
        func burst(_ count: Int) {
            for _ in 0..<count {
                made += 1
                ready.append(AudioFrame(rate: rate, samples: [Int16](repeating: Int16(made), count: 320), timestamp: .zero))
            }
        }
        func pollFrame() throws -> AudioFrame? { ready.isEmpty ? nil : ready.removeFirst() }
        func nextFrame() throws -> AudioFrame? { try pollFrame() }
        func close() { closed = true }
    }

    /// One read per tick; nil (the reader's silence) as 0.
    static func tick(_ source: CushionedSource) throws -> Int { Int(try source.pollFrame()?.samples[0] ?? 0) }

    @Test func burstsLateByLessThanTheCushionLeaveNoGap() throws {
        let device = Device()
        let mic = CushionedSource(device, prime: 3, most: 10)
        var heard: [Int] = []
        // Two frames every 40 ms (two ticks), each burst landing just after the tick that wanted it, and
        // one burst 20 ms late: read one poll per tick with nothing in hand, that one would have put a silent
        // frame into the speech.
        let bursts: [Int: Int] = [0: 2, 2: 2, 4: 2, 7: 2, 8: 2, 10: 2, 12: 2, 14: 2, 16: 2, 18: 2]
        for tick in 0..<24 {
            device.burst(bursts[tick] ?? 0)
            heard.append(try Self.tick(mic))
        }
        let spoken = heard.filter { $0 != 0 }
        #expect(spoken == Array(1...20), "out of order or a frame lost: \(heard)")
        #expect(heard.drop(while: { $0 == 0 }).prefix(spoken.count).allSatisfy { $0 != 0 }, "a gap in the speech: \(heard)")
        #expect(heard.prefix(2) == [0, 0], "reading began before the cushion was there: \(heard)")
        #expect(mic.underruns == 1, "the cushion ran dry only when the device stopped: \(heard)")
    }

    @Test func dryAgainItPrimesAgainAndTooMuchInHandIsTrimmed() throws {
        let device = Device()
        let mic = CushionedSource(device, prime: 3, most: 10)
        device.burst(3)
        #expect(try (0..<4).map { _ in try Self.tick(mic) } == [1, 2, 3, 0])
        #expect(mic.underruns == 1)
        device.burst(2)
        #expect(try Self.tick(mic) == 0, "two in hand after running dry: still priming")
        device.burst(1)
        #expect(try Self.tick(mic) == 4)
        // The reader held up for 300 ms: 15 frames waiting, more than `most`; the oldest go, `prime` stay.
        device.burst(15)
        #expect(try Self.tick(mic) == 19)
        #expect(mic.droppedFrames == 14)
        #expect(try (0..<2).map { _ in try Self.tick(mic) } == [20, 21])
    }

    @Test func closingDropsWhatWasInHand() throws {
        let device = Device()
        let mic = CushionedSource(device, prime: 2, most: 4)
        device.burst(2)
        #expect(try Self.tick(mic) == 1)
        mic.close()
        #expect(device.closed)
        device.burst(1)
        #expect(try Self.tick(mic) == 0, "the frame in hand before closing came back")
        device.burst(1)
        #expect(try Self.tick(mic) == 3)
        // A reader at the source's own pace gets the frames in hand first, then the source's.
        device.burst(1)
        #expect(try mic.nextFrame()?.samples[0] == 4)
        #expect(try mic.nextFrame()?.samples[0] == 5)
        #expect(try mic.nextFrame() == nil)
    }
}
