import RingsideCore
import Testing
@testable import Telephony

@Suite struct JitterBufferTests {
    func payload(_ seq: Int) -> [UInt8] { [UInt8(seq & 0xFF), UInt8((seq >> 8) & 0xFF)] }

    /// Plays `count` ticks of 20 ms, delivering each packet (seq → arrival ms) when its time has come.
    /// Plays `ticks` slots as a reader does; `quiet` says which packets (by sequence number) decode to a
    /// quiet frame (all of them by default), which the buffer may drop to keep its delay down.
    func run(_ jb: inout JitterBuffer, arrivals: [(seq: UInt16, at: Double)], ticks: Int, firstTickMs: Double = 0,
             quiet: (Int) -> Bool = { _ in true }) -> [JitterBufferOutput] {
        let sorted = arrivals.sorted { $0.at < $1.at }
        var next = 0
        var out: [JitterBufferOutput] = []
        for tick in 0..<ticks {
            let now = firstTickMs + Double(tick) * 20
            while next < sorted.count && sorted[next].at <= now {
                jb.insert(sequence: sorted[next].seq, payload: payload(Int(sorted[next].seq)), arrival: .milliseconds(sorted[next].at))
                next += 1
            }
            let popped = jb.pop()
            let isQuiet = played([popped]).first.map(quiet) ?? true
            out.append(jb.shedAfterPop(quiet: { isQuiet }) ?? popped)
        }
        return out
    }

    /// Concealed slots between the first and last played packet (the tail after the stream ends is not loss).
    func concealedWithin(_ outs: [JitterBufferOutput]) -> Int {
        let isPacket: (JitterBufferOutput) -> Bool = { if case .packet = $0 { return true } else { return false } }
        guard let first = outs.firstIndex(where: isPacket), let last = outs.lastIndex(where: isPacket) else { return 0 }
        return outs[first...last].filter { !isPacket($0) }.count
    }

    func played(_ outs: [JitterBufferOutput]) -> [Int] {
        outs.compactMap { if case let .packet(p) = $0 { return Int(p[0]) | Int(p[1]) << 8 } else { return nil } }
    }

    @Test func reordersAcrossWraparound() {
        var jb = JitterBuffer()
        // Seq 65530…65545 (wrapping), pairs swapped on arrival, each packet 0–20 ms late.
        var arrivals: [(UInt16, Double)] = []
        for i in 0..<16 {
            let swapped = i % 2 == 0 ? i + 1 : i - 1
            arrivals.append((UInt16(truncatingIfNeeded: 65530 + swapped), Double(i) * 20 + 1))
        }
        let outs = run(&jb, arrivals: arrivals, ticks: 24)
        let seqs = played(outs)
        let expected = (0..<16).map { (65530 + $0) & 0xFFFF }
        #expect(seqs == expected)
        #expect(concealedWithin(outs) == 0)
        #expect(jb.targetDepth >= .milliseconds(40))
    }

    @Test func concealsSingleLossWithFECHint() {
        var jb = JitterBuffer()
        let arrivals = (0..<20).filter { $0 != 7 }.map { (UInt16($0), Double($0) * 20) }
        let outs = run(&jb, arrivals: arrivals, ticks: 24)
        #expect(!played(outs).contains(7))
        #expect(outs.contains(.lost(next: payload(8))))
        #expect(concealedWithin(outs) == 1)
        #expect(played(outs).count == 19)
    }

    @Test func burstLossKeepsFramesFlowing() {
        var jb = JitterBuffer()
        let arrivals = (0..<50).filter { !(10..<18).contains($0) }.map { (UInt16($0), Double($0) * 20) }
        let outs = run(&jb, arrivals: arrivals, ticks: 60)
        let started = outs.drop { $0 == .empty }
        let body = started.prefix(50)
        #expect(body.filter { if case .lost = $0 { return true } else { return false } }.count == 8)
        #expect(concealedWithin(outs) == 8)
        #expect(!body.contains(.empty))
        #expect(played(outs) == (0..<50).filter { !(10..<18).contains($0) })
    }

    @Test func adaptsDepthToJitterWithinBounds() {
        var calm = JitterBuffer()
        _ = run(&calm, arrivals: (0..<100).map { (UInt16($0), Double($0) * 20) }, ticks: 100)
        #expect(calm.targetDepth == .milliseconds(20))
        var jittery = JitterBuffer()
        // Up to 90 ms of random extra delay.
        var rng = SplitMix(seed: 42)
        var arrivals: [(seq: UInt16, at: Double)] = []
        for i in 0..<200 {
            let extra = Double(rng.next() % 90)
            arrivals.append((UInt16(i), Double(i) * 20 + extra))
        }
        _ = run(&jittery, arrivals: arrivals, ticks: 220)
        #expect(jittery.targetDepth >= .milliseconds(80))
        #expect(jittery.targetDepth <= .milliseconds(200))
        var wild = JitterBuffer()
        var wildArrivals: [(seq: UInt16, at: Double)] = []
        for i in 0..<200 {
            let extra: Double = i % 10 == 0 ? 600 : 0
            wildArrivals.append((UInt16(i), Double(i) * 20 + extra))
        }
        _ = run(&wild, arrivals: wildArrivals, ticks: 240)
        #expect(wild.targetDepth == .milliseconds(200))
    }

    @Test(arguments: [19.8, 20.2])
    func absorbsClockDrift(senderIntervalMs: Double) {
        var jb = JitterBuffer()
        let arrivals = (0..<3000).map { (UInt16(truncatingIfNeeded: $0), Double($0) * senderIntervalMs) }
        let outs = run(&jb, arrivals: arrivals, ticks: 2900)
        // The buffer stays bounded and keeps playing in order.
        #expect(jb.bufferedDepth <= .milliseconds(200))
        let seqs = played(outs)
        #expect(seqs == seqs.sorted())
        #expect(seqs.count > 2700)
        if senderIntervalMs < 20 {
            #expect(jb.droppedForDrift > 0)  // faster sender: frames dropped
        } else {
            #expect(jb.underruns > 1)  // slower sender: re-buffering
            #expect(jb.droppedForDrift == 0)
        }
    }

    /// A reader held up for 200 ms leaves 10 frames more waiting than the target; what is dropped to win
    /// that delay back is a quiet frame (a pause between words), never a piece of one while a pause comes
    /// within 5 s; in speech with no pause at all, a frame goes after 5 s all the same.
    @Test func theDelayLeftByAStallIsWonBackInThePauses() {
        // Packets on time every 20 ms; the reader misses 10 slots at 1 s (a stall: it skips them, as
        // MediaSession's does past 200 ms), so 10 frames more wait from then on.
        func stalled(_ quiet: @escaping (Int) -> Bool) -> (JitterBuffer, [Int]) {
            var jb = JitterBuffer()
            let arrivals = (0..<600).map { (UInt16($0), Double($0) * 20) }
            var outs = run(&jb, arrivals: Array(arrivals.prefix(50)), ticks: 50, quiet: quiet)
            outs += run(&jb, arrivals: Array(arrivals[50...]), ticks: 550, firstTickMs: 1200, quiet: quiet)
            return (jb, played(outs))
        }
        // Speech in 400 ms words with a 100 ms pause after each (frames 20…24 of every 25 quiet).
        let pauses = { (seq: Int) in seq % 25 >= 20 }
        let (words, heard) = stalled(pauses)
        let dropped = Set(0..<590).subtracting(heard)
        #expect(!dropped.isEmpty && words.droppedForDrift == dropped.count, "the delay was never won back: \(words.droppedForDrift)")
        #expect(dropped.allSatisfy(pauses), "frames of words dropped: \(dropped.filter { !pauses($0) }.sorted())")
        #expect(words.bufferedDepth <= .milliseconds(80), "still \(words.bufferedDepth.milliseconds) ms waiting")
        // No pause ever: the delay goes all the same, only later.
        let (speech, _) = stalled { _ in false }
        #expect(speech.droppedForDrift > 0)
        #expect(speech.droppedForDrift < words.droppedForDrift, "dropped in speech as readily as in pauses")
    }

    @Test func latePacketsAreDropped() {
        var jb = JitterBuffer()
        let arrivals = (0..<10).filter { $0 != 3 }.map { (UInt16($0), Double($0) * 20) } + [(UInt16(3), 500.0)]
        let outs = run(&jb, arrivals: arrivals, ticks: 30)
        #expect(!played(outs).contains(3))
        #expect(jb.latePackets == 1)
    }
}

/// A tiny deterministic generator so jitter tests repeat exactly.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
