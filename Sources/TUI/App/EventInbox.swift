import RingsideCore
import Synchronization

/// Where events and session facts wait between the task that receives them and the screen
/// loop's thread, which drains them once per frame.
final class EventInbox: Sendable {
    private struct Contents {
        var events: [CallEvent] = []
        var sessionInfo: SessionInfo?
        var finished = false
    }

    private let contents = Mutex(Contents())

    func push(_ event: CallEvent) { contents.withLock { $0.events.append(event) } }

    func set(_ info: SessionInfo) { contents.withLock { $0.sessionInfo = info } }

    func finish() { contents.withLock { $0.finished = true } }

    /// Everything that arrived since the last drain, and whether the stream has ended.
    func drain() -> (events: [CallEvent], sessionInfo: SessionInfo?, finished: Bool) {
        contents.withLock { c in
            defer {
                c.events.removeAll(keepingCapacity: true)
                c.sessionInfo = nil
            }
            return (c.events, c.sessionInfo, c.finished)
        }
    }
}
