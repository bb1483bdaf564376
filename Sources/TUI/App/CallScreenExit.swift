/// Why the call screen stopped.
public enum CallScreenExit: Sendable, Equatable {
    /// The operator pressed `q` (and confirmed, during a call).
    case quit
    /// SIGINT or SIGTERM arrived.
    case interrupted
    /// The event stream ended and the screen was set to stop with it.
    case eventsEnded
}
