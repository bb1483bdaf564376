import Audio
import RingsideCore

/// The far end's audio from a `MediaSession`, as a live `AudioSource` (like a microphone).
///
/// `nextFrame` waits for the next 20 ms playout slot and returns a decoded (or concealed) frame;
/// before the first packet it returns silence. It throws `MediaSessionError.peerStoppedSending`
/// when RTP stops for longer than the configured timeout, and returns nil after `close()`.
public final class RTPAudioSource: AudioSource, @unchecked Sendable {
    private weak var session: MediaSession?
    public let rate: SampleRate

    init(rate: SampleRate) { self.rate = rate }

    func attach(_ session: MediaSession) { self.session = session }

    public var isLive: Bool { true }

    public func nextFrame() throws -> AudioFrame? { try session?.playoutFrame(wait: true) }

    public func pollFrame() throws -> AudioFrame? { try session?.playoutFrame(wait: false) }

    public func close() { session?.stop() }
}
