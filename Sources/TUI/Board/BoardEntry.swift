import RingsideCore

/// One call on a board: a call being served, or one run of a sample call, with everything the call
/// screen shows about it.
public struct BoardEntry: Sendable, Equatable, Identifiable {
    /// Where an entry stands, as the list shows it.
    public enum Badge: String, Sendable, Equatable {
        /// Not started yet (a scenario waiting its turn).
        case queued
        /// In progress.
        case live
        case pass
        case fail
        /// The harness or the target broke (neither pass nor fail).
        case error
        /// Over, with no verdict (a served call).
        case ended
    }

    public let id: String
    /// What the list names it by: the caller's address, or the scenario and run.
    public var title: String
    /// A short note after the title: codec, first failure reason…
    public var detail: String
    public var badge: Badge
    public var call: CallState
    /// The handoff summary while the agent's caller waits for a human; cleared by a takeover or the end.
    public private(set) var alert: String?
    /// The alert is a supervise rule broken (a phrase, silence, latency, quality), not a caller waiting for a human.
    public private(set) var alertIsRule = false

    public init(id: String, title: String, detail: String = "", badge: Badge = .live, call: CallState = CallState()) {
        self.id = id
        self.title = title
        self.detail = detail
        self.badge = badge
        self.call = call
    }

    /// Folds one of the call's events in; returns true when it raised an alert (the agent asked for a human).
    @discardableResult
    public mutating func apply(_ event: CallEvent) -> Bool {
        call.apply(event)
        switch event.payload {
        case let .escalated(summary, target):
            guard call.status.isActive, call.mode == .agent else { return false }
            alert = target.map { "\(summary) (for \($0))" } ?? summary
            alertIsRule = false
            return true
        case .takeover, .callEnded:
            alert = nil
        default:
            break
        }
        return false
    }

    /// A supervise alert rule broken on this call (`rule` says which); false when the call is over or taken over.
    public mutating func raise(rule: String) -> Bool {
        guard call.status.isActive, call.mode == .agent else { return false }
        alert = rule
        alertIsRule = true
        return true
    }
}
