import RingsideCore

/// An adaptive jitter buffer for 20 ms RTP packets.
///
/// Packets go in by sequence number in any order (wraparound handled); one frame comes out per
/// 20 ms tick. The target depth follows the spread of measured transit times over the last
/// couple of seconds, clamped to `minimumDepth…maximumDepth`. Clock drift, and delay left by a reader
/// held up, is absorbed by dropping a frame when the buffer sits well above target (`shedAfterPop`:
/// a quiet frame, so that no word loses a piece) and by re-buffering when it runs dry (sender slower).
public struct JitterBuffer: Sendable {
    public let frameDuration: MediaTime
    public let minimumDepth: MediaTime
    public let maximumDepth: MediaTime

    private var packets: [Int64: [UInt8]] = [:]
    private var highest: Int64?
    private var nextToPlay: Int64?
    private var buffering = true
    private var transits: [Int64] = []
    private var transitIndex = 0
    private let window = 100
    private var aboveTargetTicks = 0
    private var target: MediaTime

    /// Packets that arrived after their slot was played (or duplicates).
    public private(set) var latePackets = 0
    /// Slots played as concealment because the packet never came.
    public private(set) var concealedFrames = 0
    /// Frames dropped to catch up with a faster sender (or a reader that was held up).
    public private(set) var droppedForDrift = 0
    /// Ticks the buffer must sit above target before a quiet frame is dropped (0.5 s).
    public static let shedAfterTicks = 25
    /// Ticks above target after which a frame is dropped even in speech (5 s without a quiet frame).
    public static let shedInSpeechAfterTicks = 250
    /// Ticks with nothing to play (before start or while re-buffering).
    public private(set) var underruns = 0
    /// Packets whose sequence number jumped too far from the stream's to be believed (RFC 3550 A.1).
    public private(set) var discardedJumps = 0
    /// Times the buffer followed a stream whose numbering really jumped (two packets in a row agreeing).
    public private(set) var resyncs = 0

    /// How far ahead (packets) a sequence number may jump and still be taken at once: as much as the
    /// buffer may hold (`maximumDepth`). RFC 3550 allows 3,000 for its statistics; a playout buffer
    /// gains nothing from trusting a bigger leap at once, and a forged one would push the real
    /// stream's packets out as "late". A real loss burst longer than that costs one more packet.
    public let maximumDropout: Int64
    /// How far behind the newest packet one may arrive and still count as reordered, not a jump.
    public static let maximumMisorder: Int64 = 100
    /// The sequence number that would confirm a jump: the one after the last packet that jumped.
    private var jumpCandidate: UInt16?

    public init(frameDuration: MediaTime = .milliseconds(20), minimumDepth: MediaTime = .milliseconds(20),
                maximumDepth: MediaTime = .milliseconds(200)) {
        self.frameDuration = frameDuration
        self.minimumDepth = minimumDepth
        self.maximumDepth = maximumDepth
        maximumDropout = max(2, maximumDepth.nanoseconds / frameDuration.nanoseconds)
        target = minimumDepth
    }

    /// The depth the buffer currently aims to hold.
    public var targetDepth: MediaTime { target }

    /// How much audio is buffered ahead of the playout point.
    public var bufferedDepth: MediaTime {
        guard let highest else { return .zero }
        let from = nextToPlay ?? (packets.keys.min() ?? highest)
        let frames = max(0, highest - from + 1)
        return MediaTime(nanoseconds: frames * frameDuration.nanoseconds)
    }

    /// Adds one packet that arrived at `arrival` (any monotonic timeline).
    public mutating func insert(sequence: UInt16, payload: [UInt8], arrival: MediaTime) {
        if let h = highest {
            let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: h)))
            if delta > maximumDropout || delta < -Self.maximumMisorder {
                // A leap: believed only when the next packet follows it (the sender restarted its
                // numbering); a lone one (forged, or corrupt) is dropped and the stream plays on.
                guard jumpCandidate == sequence else {
                    jumpCandidate = sequence &+ 1
                    discardedJumps += 1
                    return
                }
                resyncs += 1
                jumpCandidate = nil
                let keepTarget = target
                reset()
                target = keepTarget
            } else {
                jumpCandidate = nil
            }
        }
        let ext = extend(sequence)
        // Transit relative to the nominal send time; only its spread matters. Late packets count most.
        let transit = arrival.nanoseconds - ext * frameDuration.nanoseconds
        if transits.count < window { transits.append(transit) } else { transits[transitIndex] = transit }
        transitIndex = (transitIndex + 1) % window
        adaptTarget()
        if let next = nextToPlay, ext < next { latePackets += 1; return }
        if packets[ext] != nil { latePackets += 1; return }
        packets[ext] = payload
        if let h = highest, ext <= h {} else { highest = ext }
        // Never hold more than twice the maximum: forget the oldest.
        let limit = Int64(maximumDepth.nanoseconds / frameDuration.nanoseconds) * 2
        if let h = highest, let next = nextToPlay, h - next >= limit {
            for s in next..<(h - limit / 2) { packets.removeValue(forKey: s) }
            nextToPlay = h - limit / 2
        }
    }

    /// The next 20 ms of playout.
    public mutating func pop() -> JitterBufferOutput {
        guard let h = highest else { underruns += 1; return .empty }
        let frame = frameDuration.nanoseconds
        if buffering {
            // (Re)start once a target's worth plus one frame of headroom is here, so early reordering is absorbed.
            guard bufferedDepth >= target + frameDuration else {
                underruns += 1
                guard nextToPlay != nil else { return .empty }
                concealedFrames += 1
                return .lost(next: nil)
            }
            buffering = false
            if let next = nextToPlay {
                // After a gap (burst loss or a pause), skip what would only add delay.
                let targetFrames = target.nanoseconds / frame
                if bufferedDepth.nanoseconds > target.nanoseconds + 2 * frame { nextToPlay = max(next, h - targetFrames) }
            } else {
                nextToPlay = packets.keys.min()
            }
        }
        guard var next = nextToPlay else { return .empty }
        if next > h {
            // Ran dry: the sender is slower than us, paused, or a burst was lost. Conceal and re-buffer.
            buffering = true
            underruns += 1
            concealedFrames += 1
            return .lost(next: nil)
        }
        // Sender faster than playout (or the reader was held up): the buffer sits above target; the
        // reader drops a frame when it can spare one (`shedAfterPop`).
        aboveTargetTicks = bufferedDepth > target + frameDuration + frameDuration ? aboveTargetTicks + 1 : 0
        nextToPlay = next + 1
        if let payload = packets.removeValue(forKey: next) { return .packet(payload) }
        concealedFrames += 1
        return .lost(next: packets[next + 1])
    }

    /// Called after each `pop`, with how to tell whether the frame it gave is quiet (asked only when the
    /// buffer wants to shed, so a reader measures no frame's level otherwise): when the
    /// buffer has sat above target for `shedAfterTicks`, that frame is dropped — at once if it is quiet,
    /// after `shedInSpeechAfterTicks` in any case — and the next one is returned to play in its slot
    /// instead; nil to play the frame popped. (Dropping whichever frame came due put holes in words:
    /// a caller's phone held up under load lost two to seven frames of speech a sentence.)
    public mutating func shedAfterPop(quiet: () -> Bool) -> JitterBufferOutput? {
        guard aboveTargetTicks >= Self.shedAfterTicks, aboveTargetTicks >= Self.shedInSpeechAfterTicks || quiet(),
              let next = nextToPlay, let payload = packets.removeValue(forKey: next) else { return nil }
        aboveTargetTicks = 0
        nextToPlay = next + 1
        droppedForDrift += 1
        return .packet(payload)
    }

    // MARK: Relaying

    /// For a relay that forwards audio as it arrives (the far end's own buffer absorbs the jitter): the
    /// next packet in sequence as soon as it is here, whatever the depth; nil while it has not come.
    /// More than `backlog` frames waiting (the relay was held up) are not all forwarded late: the oldest
    /// are dropped (counted in `droppedForDrift`), so a stall does not stay as delay for the rest of the call.
    public mutating func popArrived(backlog: Int) -> [UInt8]? {
        guard let h = highest, var next = nextToPlay ?? packets.keys.min() else { return nil }
        if h - next + 1 > Int64(backlog) {
            let keep = h - Int64(max(1, backlog)) + 1
            for s in next..<keep where packets.removeValue(forKey: s) != nil { droppedForDrift += 1 }
            next = keep
        }
        nextToPlay = next
        guard let payload = packets.removeValue(forKey: next) else { return nil }
        nextToPlay = next + 1
        buffering = false
        return payload
    }

    /// For a relay: the packet due is missing while a later one is here (lost, or overtaken on its way).
    public var awaitsMissingPacket: Bool {
        guard let h = highest, let next = nextToPlay else { return false }
        return next < h || (next == h && packets[next] == nil)
    }

    /// For a relay: the packet due has not come in time, so its slot is given up (concealed with the
    /// packet after it, if that is here); `.empty` when none is outstanding (a pause, hold, no stream yet).
    public mutating func skipArrived() -> JitterBufferOutput {
        guard let h = highest, let next = nextToPlay, next <= h else { underruns += 1; return .empty }
        nextToPlay = next + 1
        concealedFrames += 1
        return .lost(next: packets[next + 1])
    }

    /// Forgets everything (new stream, new SSRC).
    public mutating func reset() {
        jumpCandidate = nil
        packets.removeAll()
        highest = nil
        nextToPlay = nil
        buffering = true
        transits.removeAll()
        transitIndex = 0
        target = minimumDepth
    }

    private func extend(_ sequence: UInt16) -> Int64 {
        guard let h = highest else { return Int64(sequence) }
        let delta = Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: h)))
        return h + delta
    }

    private mutating func adaptTarget() {
        guard let lo = transits.min(), let hi = transits.max() else { return }
        let spread = hi - lo
        let frame = frameDuration.nanoseconds
        // Round the spread up to whole frames, plus one frame of headroom.
        let frames = (spread + frame - 1) / frame + 1
        let wanted = MediaTime(nanoseconds: frames * frame)
        target = max(minimumDepth, min(maximumDepth, wanted))
    }
}
