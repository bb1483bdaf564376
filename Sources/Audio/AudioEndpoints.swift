import Dispatch
import RingsideCore

/// Where a call's audio comes from: a microphone, a WAV file, later RTP.
public protocol AudioSource: AnyObject, Sendable {
    var rate: SampleRate { get }
    /// The next 20 ms frame, waiting for it if it is not there yet; nil once the source has ended.
    func nextFrame() throws -> AudioFrame?
    func close()
    /// True when frames arrive in real time by themselves (a microphone); false for files and generators.
    var isLive: Bool { get }
    /// The next frame if one is ready now; never waits.
    func pollFrame() throws -> AudioFrame?
}

extension AudioSource {
    public var isLive: Bool { false }
    /// The next frame if one is ready now; never waits (live sources override this).
    public func pollFrame() throws -> AudioFrame? { try nextFrame() }
}

/// Where a call's audio goes: a speaker, a WAV file, later RTP.
public protocol AudioSink: AnyObject, Sendable {
    var rate: SampleRate { get }
    /// Queues one frame for output.
    func write(_ frame: AudioFrame) throws
    func close() throws
    /// How long after `write` a frame is heard (queue plus device delay).
    var outputDelay: MediaTime { get }
    /// Drops frames queued but not yet played; returns how many.
    func discardQueued() -> Int
    /// True when the sink wants a frame every 20 ms, silence included.
    var wantsContinuousAudio: Bool { get }
}

/// A WAV file read as 20 ms frames at a chosen rate (`--input FILE.wav`).
public final class WAVFileSource: AudioSource, @unchecked Sendable {
    public let rate: SampleRate
    private var frames: [AudioFrame]
    private var index = 0

    public init(path: String, rate: SampleRate) throws {
        self.rate = rate
        frames = try WAVFile.read(path: path).frames(at: rate)
    }

    public func nextFrame() throws -> AudioFrame? {
        guard index < frames.count else { return nil }
        defer { index += 1 }
        return frames[index]
    }

    public func close() {}
}

/// A mono WAV file written as frames arrive, flushed at least once a second (`--output FILE.wav`).
public final class WAVFileSink: AudioSink, @unchecked Sendable {
    public let rate: SampleRate
    private let writer: WAVWriter
    private var sinceFlush = 0

    public init(path: String, rate: SampleRate) throws {
        self.rate = rate
        writer = try WAVWriter(path: path, sampleRate: rate.hertz, channels: 1)
    }

    public func write(_ frame: AudioFrame) throws {
        writer.append(frame.samples)
        sinceFlush += 1
        if sinceFlush >= 50 { try writer.flush(); sinceFlush = 0 }
    }

    public func close() throws { try writer.close() }

    public var wantsContinuousAudio: Bool { true }
}

extension AudioSink {
    /// How long after `write` a frame is heard; used to stamp playout at the sound, not the call.
    public var outputDelay: MediaTime { .zero }
    /// Drops frames queued but not yet played (barge-in); returns how many.
    public func discardQueued() -> Int { 0 }
    /// True when the sink wants a frame every 20 ms, silence included (files keep time that way).
    public var wantsContinuousAudio: Bool { false }
}

/// Hands a blocking read to a dispatch thread, so waiting for a live source never occupies one of
/// Swift's few cooperative threads (two on a two-core machine).
private final class FrameReader: @unchecked Sendable {
    let source: any AudioSource
    init(_ source: any AudioSource) { self.source = source }
}

extension AudioSource {
    /// The next frame, waiting without blocking the caller's cooperative thread.
    public func nextFrameAsync() async throws -> AudioFrame? {
        guard isLive else { return try nextFrame() }
        let reader = FrameReader(self)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInteractive).async {
                continuation.resume(with: Result { try reader.source.nextFrame() })
            }
        }
    }
}
