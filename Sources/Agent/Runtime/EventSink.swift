import RingsideCore
import Synchronization

/// Receives the agent's stamped, redacted events. The session forwards them into the call's stream.
public protocol EventSink: Sendable {
    func receive(_ event: CallEvent)
}

/// An `EventSink` that keeps every event, for tests and the text mode.
public final class EventCollector: EventSink {
    private let storage = Mutex<[CallEvent]>([])
    private let forward: (@Sendable (CallEvent) -> Void)?

    public init(forward: (@Sendable (CallEvent) -> Void)? = nil) {
        self.forward = forward
    }

    public func receive(_ event: CallEvent) {
        storage.withLock { $0.append(event) }
        forward?(event)
    }

    public var events: [CallEvent] { storage.withLock { $0 } }
}
