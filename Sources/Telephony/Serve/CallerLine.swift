import Audio
import Foundation
import RingsideCore

/// A served caller's RTP audio as the agent's session sees it, until the call is handed to a bridge:
/// from then the session's input ends, its output is dropped and its closing leaves the RTP running
/// for the bridge (`handOver()`).
final class CallerLine: @unchecked Sendable {
    let media: MediaSession
    private let handedOver = LockedValue(false)

    init(media: MediaSession) { self.media = media }

    /// The session no longer hears or speaks to the caller; the media stays up.
    func handOver() { handedOver.withLock { $0 = true } }
    var isHandedOver: Bool { handedOver.value }

    lazy var source: any AudioSource = Source(line: self)
    lazy var sink: any AudioSink = Sink(line: self)

    private final class Source: AudioSource, @unchecked Sendable {
        unowned let line: CallerLine
        init(line: CallerLine) { self.line = line }
        var rate: SampleRate { line.media.source.rate }
        var isLive: Bool { true }
        func nextFrame() throws -> AudioFrame? { line.isHandedOver ? nil : try line.media.source.nextFrame() }
        func pollFrame() throws -> AudioFrame? { line.isHandedOver ? nil : try line.media.source.pollFrame() }
        func close() { if !line.isHandedOver { line.media.source.close() } }
    }

    private final class Sink: AudioSink, @unchecked Sendable {
        unowned let line: CallerLine
        init(line: CallerLine) { self.line = line }
        var rate: SampleRate { line.media.sink.rate }
        func write(_ frame: AudioFrame) throws { if !line.isHandedOver { try line.media.sink.write(frame) } }
        func close() throws { if !line.isHandedOver { try line.media.sink.close() } }
        var outputDelay: MediaTime { line.media.sink.outputDelay }
        func discardQueued() -> Int { line.media.sink.discardQueued() }
        var wantsContinuousAudio: Bool { line.media.sink.wantsContinuousAudio }
    }
}
