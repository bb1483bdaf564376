import Foundation
import RingsideCore

/// A live source (a microphone) read without waiting once per tick of another clock (a bridge paced by
/// a far end's RTP, a call's 20 ms tick), with a small cushion of frames in between. A capture hands its
/// frames over in bursts (one device period, 40 ms, at a time) and late when the machine is busy; read
/// one poll per tick with nothing in hand, every late burst became a silent frame put into the middle of
/// the speech — and the speech after it one frame later. Here reading starts once `prime` frames are in
/// hand (and again after the cushion ran dry), so a burst late by less than the cushion costs nothing;
/// more than `most` in hand (the reader was held up, or the device's clock runs faster) and the oldest
/// go, so the delay never grows.
public final class CushionedSource: AudioSource, @unchecked Sendable {
    public let rate: SampleRate
    public var isLive: Bool { true }
    private let source: any AudioSource
    private let prime: Int
    private let most: Int
    private let lock = NSLock()
    private var queue: [AudioFrame] = []
    private var head = 0
    private var priming = true
    private var counts = (underruns: 0, dropped: 0)

    /// `prime`: the frames in hand before reading starts (60 ms by default); `most`: the frames kept at most.
    public init(_ source: any AudioSource, prime: Int = 3, most: Int = 10) {
        precondition(prime >= 1 && most >= prime, "a cushion needs 1 ≤ prime ≤ most")
        self.rate = source.rate
        self.source = source
        self.prime = prime
        self.most = most
    }

    /// Times the cushion ran dry while reading (each one a silent frame in the speech), and frames
    /// dropped because more than `most` were waiting.
    public var underruns: Int { lock.withLock { counts.underruns } }
    public var droppedFrames: Int { lock.withLock { counts.dropped } }

    /// The next frame in hand, or nil (silence for the reader) while the cushion fills; never waits.
    public func pollFrame() throws -> AudioFrame? {
        try lock.withLock {
            // Bounded: a live source has at most its ring's worth ready.
            for _ in 0..<(most * 8) {
                guard let frame = try source.pollFrame() else { break }
                queue.append(frame)
            }
            if waiting > most {
                let extra = waiting - prime
                head += extra
                counts.dropped += extra
            }
            if priming {
                guard waiting >= prime else { return nil }
                priming = false
            }
            guard waiting > 0 else {
                priming = true
                counts.underruns += 1
                return nil
            }
            defer { advance() }
            return queue[head]
        }
    }

    /// Frames in hand first, then the source's next (waiting for it): a reader that follows the
    /// source's own pace needs no cushion.
    public func nextFrame() throws -> AudioFrame? {
        if let frame = lock.withLock({ () -> AudioFrame? in
            guard waiting > 0 else { return nil }
            defer { advance() }
            return queue[head]
        }) { return frame }
        return try source.nextFrame()
    }

    /// Closes the source; what was in hand is dropped and the next reads prime again.
    public func close() {
        lock.withLock {
            queue = []
            head = 0
            priming = true
        }
        source.close()
    }

    private var waiting: Int { queue.count - head }

    private func advance() {
        head += 1
        if head >= 64 || head == queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }
}
