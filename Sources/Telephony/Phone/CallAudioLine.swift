import Audio
import Foundation
import RingsideCore

/// One call's RTP audio as a session sees it (an `AudioSource` and an `AudioSink`), which can be
/// moved to another call or let go without touching the RTP underneath: what a transfer needs.
///
/// `ringside call` moves it to the new call when it follows a REFER (holding in between: silence in,
/// nothing out); `ringside serve` detaches it when a bridge takes the caller (the agent's session
/// then hears its caller leave, and its closing leaves the caller's RTP to the bridge).
public final class CallAudioLine: @unchecked Sendable {
    enum State {
        case connected(MediaSession)
        /// Between two calls: silence in (paced), nothing out.
        case holding
        /// Handed on for good: the input has ended, output is dropped.
        case detached
    }

    public let rate: SampleRate
    /// Whether the input ends when the current call's media stops; false: it waits (silence) for a
    /// `move`, and whoever owns the line ends the session when the call is really over.
    public let endsWithMedia: Bool
    private let state: LockedValue<State>

    public init(media: MediaSession, endsWithMedia: Bool = true) {
        rate = media.source.rate
        self.endsWithMedia = endsWithMedia
        state = LockedValue(.connected(media))
    }

    /// Carry `media`'s audio from now on.
    public func move(to media: MediaSession) { state.withLock { $0 = .connected(media) } }
    /// Wait between calls (a transfer under way): silence in, nothing out.
    public func hold() { state.withLock { $0 = .holding } }
    /// Let go for good: the session's input ends and its output is dropped; the media stays up.
    public func detach() { state.withLock { $0 = .detached } }

    var current: State { state.value }

    /// The call's audio in; holds the line (whoever reads it keeps the line alive).
    public var source: any AudioSource { Source(line: self) }
    /// The call's audio out; holds the line.
    public var sink: any AudioSink { Sink(line: self) }

    private final class Source: AudioSource, @unchecked Sendable {
        let line: CallAudioLine
        init(line: CallAudioLine) { self.line = line }
        var rate: SampleRate { line.rate }
        var isLive: Bool { true }

        func nextFrame() throws -> AudioFrame? {
            switch line.current {
            case let .connected(media):
                if let frame = try media.source.nextFrame() { return frame }
                // That call's media stopped; if the line moved meanwhile, go on with the next one.
                if case .connected(let now) = line.current, now === media {
                    // A transfer may be on its way to this line (the old leg ended first): wait for it.
                    return line.endsWithMedia ? nil : pacedSilence()
                }
                return try nextFrame()
            case .holding:
                return pacedSilence()
            case .detached:
                return nil
            }
        }

        private func pacedSilence() -> AudioFrame {
            usleep(20_000)  // a live source's pace: one frame per 20 ms
            return .silence(rate: line.rate, at: .zero)
        }

        func pollFrame() throws -> AudioFrame? {
            if case let .connected(media) = line.current { return try media.source.pollFrame() }
            return nil
        }

        func close() { if case let .connected(media) = line.current { media.source.close() } }
    }

    private final class Sink: AudioSink, @unchecked Sendable {
        let line: CallAudioLine
        init(line: CallAudioLine) { self.line = line }
        var rate: SampleRate { line.rate }
        private var media: MediaSession? { if case let .connected(m) = line.current { return m } else { return nil } }
        func write(_ frame: AudioFrame) throws { try media?.sink.write(frame) }
        func close() throws { try media?.sink.close() }
        var outputDelay: MediaTime { media?.sink.outputDelay ?? .zero }
        func discardQueued() -> Int { media?.sink.discardQueued() ?? 0 }
        var wantsContinuousAudio: Bool { false }
    }
}
