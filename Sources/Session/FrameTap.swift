import Audio
import Foundation
import RingsideCore

/// Frames copied off a live audio path (a bridge thread pushes each one as it passes) and read by
/// slower work (transcription, recording) as an `AudioSource`: the audio path never waits for the
/// reader. Bounded: past `capacity` frames behind, the oldest are dropped and counted.
public final class FrameTap: AudioSource, @unchecked Sendable {
    public let rate: SampleRate
    public let capacity: Int
    private let condition = NSCondition()
    private var frames: [AudioFrame] = []
    private var finished = false
    private var droppedFrames = 0

    public init(rate: SampleRate, capacity: Int = 1500) {
        self.rate = rate
        self.capacity = capacity
    }

    /// Adds a frame (never waits).
    public func push(_ frame: AudioFrame) {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return }
        frames.append(frame)
        if frames.count > capacity {
            droppedFrames += frames.count - capacity
            frames.removeFirst(frames.count - capacity)
        }
        condition.signal()
    }

    /// No more frames: a waiting reader gets what is left, then nil.
    public func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Frames dropped because the reader fell more than `capacity` behind.
    public var dropped: Int { condition.withLock { droppedFrames } }

    public var isLive: Bool { true }

    /// The next frame, waiting for it; nil once finished and empty.
    public func nextFrame() throws -> AudioFrame? {
        condition.lock()
        defer { condition.unlock() }
        while frames.isEmpty && !finished { condition.wait() }
        return frames.isEmpty ? nil : frames.removeFirst()
    }

    public func pollFrame() throws -> AudioFrame? {
        condition.withLock { frames.isEmpty ? nil : frames.removeFirst() }
    }

    public func close() { finish() }
}
