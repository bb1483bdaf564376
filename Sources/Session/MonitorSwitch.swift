import Audio
import RingsideCore
import Synchronization

/// One speaker for many calls (`serve`): each call writes its mixed audio to its own tap, and only the
/// call the operator listens to (the one taken over) reaches the speaker.
public final class MonitorSwitch: Sendable {
    private let speaker: any AudioSink
    private let listening = Mutex<String?>(nil)

    public init(speaker: any AudioSink) {
        self.speaker = speaker
    }

    /// The call heard on the speaker, or nil for none.
    public var current: String? { listening.withLock { $0 } }

    /// Switches the speaker to the call with this id (nil: silence). Audio queued for the previous call is dropped.
    public func listen(to id: String?) {
        let changed = listening.withLock { current -> Bool in
            defer { current = id }
            return current != id
        }
        if changed { _ = speaker.discardQueued() }
    }

    /// The sink a call with this id writes its monitor audio to.
    public func tap(for id: String) -> any AudioSink { Tap(id: id, owner: self) }

    fileprivate func write(_ frame: AudioFrame, from id: String) throws {
        guard current == id else { return }
        try speaker.write(frame)
    }

    fileprivate var rate: SampleRate { speaker.rate }

    /// Closes the speaker (at the end of `serve`).
    public func close() throws { try speaker.close() }

    private final class Tap: AudioSink, Sendable {
        let id: String
        let owner: MonitorSwitch
        init(id: String, owner: MonitorSwitch) {
            self.id = id
            self.owner = owner
        }
        var rate: SampleRate { owner.rate }
        func write(_ frame: AudioFrame) throws { try owner.write(frame, from: id) }
        /// The speaker outlives every call: a call's end closes only its tap.
        func close() throws {}
    }
}
