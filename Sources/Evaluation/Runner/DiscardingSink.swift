import Audio
import RingsideCore

/// The simulated caller's ear: accepts the agent's audio and drops it (the recording keeps it).
final class DiscardingSink: AudioSink, @unchecked Sendable {
    let rate: SampleRate
    init(rate: SampleRate) { self.rate = rate }
    func write(_ frame: AudioFrame) throws {}
    func close() throws {}
    var outputDelay: MediaTime { .zero }
    func discardQueued() -> Int { 0 }
    var wantsContinuousAudio: Bool { false }
}
