import Dispatch
import Foundation
import Logging
import RingsideCore
import Synchronization

/// Microphone capture from PulseAudio (or PipeWire's Pulse layer) on its own thread.
///
/// The thread reads exactly 20 ms at a time, stamps each frame with the injected clock and hands it
/// over through a `FrameRing`; `nextFrame()` waits for the next one.
public final class PulseCapture: AudioSource, @unchecked Sendable {
    public let rate: SampleRate
    public let options: PulseStreamOptions
    private let stream: PulseSimpleStream
    private let clock: any CallClock
    private let ring: FrameRing
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    private let failure = Mutex<AudioServerError?>(nil)
    private let tap: (@Sendable (AudioFrame) -> Void)?
    private let logger = Logger(label: "ringside.audio.capture")

    /// `tap` sees every frame on the capture thread (for level meters); it must not block.
    public init(options: PulseStreamOptions, clock: any CallClock, ringFrames: Int = 50, tap: (@Sendable (AudioFrame) -> Void)? = nil) throws {
        self.options = options
        rate = options.rate
        self.clock = clock
        self.tap = tap
        ring = FrameRing(capacity: ringFrames)
        stream = try PulseSimpleStream(options: options, record: true)
    }

    public func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in run() }
        thread.name = "ringside-capture"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    private func run() {
        var buffer = [Int16](repeating: 0, count: rate.samplesPerFrame)
        while running.load(ordering: .acquiring) {
            do {
                try stream.read(into: &buffer)
            } catch let error as AudioServerError {
                failure.withLock { $0 = error }
                logger.error("capture stopped: \(error)")
                break
            } catch {
                break
            }
            let frame = AudioFrame(rate: rate, samples: buffer, timestamp: clock.now() - AudioFrame.duration)
            tap?(frame)
            if ring.push(frame) { available.signal() }
        }
        running.store(false, ordering: .releasing)
        available.signal()
        finished.signal()
    }

    public var isLive: Bool { true }

    /// Frames lost because nobody read them in time.
    public var droppedFrames: Int { ring.droppedCount }

    public func pollFrame() throws -> AudioFrame? {
        if let f = ring.pop() { return f }
        if let error = failure.withLock({ $0 }) { throw error }
        return nil
    }

    public func nextFrame() throws -> AudioFrame? {
        while true {
            if let f = ring.pop() { return f }
            if let error = failure.withLock({ $0 }) { throw error }
            if !running.load(ordering: .acquiring) { return nil }
            available.wait()
        }
    }

    public func close() {
        if running.exchange(false, ordering: .acquiringAndReleasing) { finished.wait() }
    }
}

/// Speaker playback to PulseAudio on its own thread, with a small target buffer (≤ 40 ms).
///
/// When no agent audio is queued the thread writes silence, so the stream never underruns and the
/// first sample of a reply reaches the device with a stable delay. `onPlayout` reports, for each
/// frame, the clock time at which it was handed to the server: where latency is measured.
public final class PulsePlayback: AudioSink, @unchecked Sendable {
    public let rate: SampleRate
    public let options: PulseStreamOptions
    private let stream: PulseSimpleStream
    private let clock: any CallClock
    private let ring: FrameRing
    private let space: DispatchSemaphore
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    private let failure = Mutex<AudioServerError?>(nil)
    private let onPlayout: (@Sendable (AudioFrame, MediaTime) -> Void)?
    private let logger = Logger(label: "ringside.audio.playback")

    public init(options: PulseStreamOptions, clock: any CallClock, ringFrames: Int = 25,
                onPlayout: (@Sendable (AudioFrame, MediaTime) -> Void)? = nil) throws {
        self.options = options
        rate = options.rate
        self.clock = clock
        self.onPlayout = onPlayout
        ring = FrameRing(capacity: ringFrames)
        space = DispatchSemaphore(value: ringFrames)
        stream = try PulseSimpleStream(options: options, record: false)
    }

    public func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in run() }
        thread.name = "ringside-playback"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    private func run() {
        let silence = [Int16](repeating: 0, count: rate.samplesPerFrame)
        while running.load(ordering: .acquiring) {
            let frame = ring.pop()
            if frame != nil { space.signal() }
            do {
                try stream.write(frame?.samples ?? silence)
            } catch let error as AudioServerError {
                failure.withLock { $0 = error }
                logger.error("playback stopped: \(error)")
                break
            } catch {
                break
            }
            if let frame { onPlayout?(frame, clock.now()) }
        }
        running.store(false, ordering: .releasing)
        finished.signal()
    }

    /// Queues a frame, waiting while the queue is full (at most the ring's length of audio).
    public func write(_ frame: AudioFrame) throws {
        if let error = failure.withLock({ $0 }) { throw error }
        space.wait()
        ring.push(frame)
    }

    /// Drops queued audio at once (barge-in). Returns how many frames were discarded.
    @discardableResult
    public func flushQueued() -> Int {
        var n = 0
        while ring.pop() != nil { n += 1; space.signal() }
        return n
    }

    public func discardQueued() -> Int { flushQueued() }

    /// Queue plus the server's buffer: when a frame written now will be heard.
    public var outputDelay: MediaTime {
        MediaTime.milliseconds(Double(ring.count) * 20) + serverLatency
    }

    /// Frames queued and not yet handed to the server.
    public var queuedFrames: Int { ring.count }

    /// The server's own buffer delay for this stream.
    public var serverLatency: MediaTime { MediaTime(nanoseconds: Int64(stream.latencyMicroseconds()) * 1000) }

    /// Waits until everything queued has been played, then stops.
    public func close() throws {
        while ring.count > 0 && running.load(ordering: .acquiring) {
            Thread.sleep(forTimeInterval: 0.005)
        }
        if running.exchange(false, ordering: .acquiringAndReleasing) { finished.wait() }
        stream.drain()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
