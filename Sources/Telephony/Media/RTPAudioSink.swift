import Audio
import RingsideCore

/// Audio to the far end through a `MediaSession`, as an `AudioSink` (like a speaker).
///
/// Frames queue and leave one per 20 ms; `write` waits when more than the configured queue is
/// waiting, so a faster-than-real-time producer is paced. Silence is sent when nothing is queued,
/// so the sink does not need continuous audio.
public final class RTPAudioSink: AudioSink, @unchecked Sendable {
    private weak var session: MediaSession?
    public let rate: SampleRate

    init(rate: SampleRate) { self.rate = rate }

    func attach(_ session: MediaSession) { self.session = session }

    public func write(_ frame: AudioFrame) throws {
        guard let session else { return }
        try session.enqueue(frame)
    }

    public func close() throws { session?.stop() }

    public var outputDelay: MediaTime { session?.queuedDuration ?? .zero }

    public func discardQueued() -> Int { session?.discardQueued() ?? 0 }

    public var wantsContinuousAudio: Bool { false }
}
