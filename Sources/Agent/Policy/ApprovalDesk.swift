import RingsideCore

/// How approval requests are answered: by an operator, or up front by a scenario or `--approve`.
public enum ApprovalMode: String, Sendable, Equatable, CaseIterable {
    /// Wait for `decide(…)` (the TUI's operator) or the asker, until the timeout denies.
    case ask
    case approveAll = "all"
    case denyAll = "none"
}

/// How an approval request ended.
public enum ApprovalDecision: Sendable, Equatable {
    case approved(by: String)
    case denied(by: String)
    case timedOut

    public var isApproved: Bool { if case .approved = self { return true } else { return false } }
}

/// The approval gate: an irreversible tool call waits here for an operator's decision.
///
/// A timeout counts as a denial, so an unattended agent never does the irreversible thing.
public actor ApprovalDesk {
    public typealias Asker = @Sendable (_ id: String, _ tool: String, _ arguments: String) async -> Bool?

    public let mode: ApprovalMode
    private let timeout: MediaTime
    private let clock: any CallClock
    private let asker: Asker?
    private var pending: [String: CheckedContinuation<ApprovalDecision, Never>] = [:]
    /// Each waiting request's timeout, cancelled the moment a decision arrives: on a virtual clock a
    /// live timer is someone waiting on time, and the session lets time run on (instead of waiting
    /// for the brain) while anyone does.
    private var timers: [String: Task<Void, Never>] = [:]
    private var early: [String: ApprovalDecision] = [:]
    /// Decisions a scenario made in advance, by tool name; they win over `mode`.
    private let presets: [String: Bool]

    public init(mode: ApprovalMode, timeoutSeconds: Double, clock: any CallClock, asker: Asker? = nil, presets: [String: Bool] = [:]) {
        self.mode = mode
        self.presets = presets
        timeout = .seconds(timeoutSeconds)
        self.clock = clock
        self.asker = asker
    }

    /// IDs of requests waiting for a decision.
    public var waiting: [String] { pending.keys.sorted() }

    /// Waits for the decision on request `id`.
    public func request(id: String, tool: String, arguments: String) async -> ApprovalDecision {
        if let preset = presets[tool] { return preset ? .approved(by: "scenario") : .denied(by: "scenario") }
        switch mode {
        case .approveAll: return .approved(by: "policy")
        case .denyAll: return .denied(by: "policy")
        case .ask: break
        }
        if let decided = early.removeValue(forKey: id) { return decided }
        if let asker {
            let answer = await asker(id, tool, arguments)
            if let answer { return answer ? .approved(by: "operator") : .denied(by: "operator") }
        }
        let clock = self.clock
        let deadline = clock.now() + timeout
        let timer = Task { [weak self] in
            do {
                try await clock.sleep(until: deadline)
            } catch {
                return
            }
            await self?.resolve(id, .timedOut)
        }
        timers[id] = timer
        let decision = await withCheckedContinuation { continuation in
            pending[id] = continuation
        }
        timer.cancel()
        return decision
    }

    /// The operator's answer. A decision for a request not yet made is kept for it.
    public func decide(id: String, approved: Bool, by operatorName: String = "operator") {
        let decision: ApprovalDecision = approved ? .approved(by: operatorName) : .denied(by: operatorName)
        if pending[id] != nil { resolve(id, decision) } else { early[id] = decision }
    }

    private func resolve(_ id: String, _ decision: ApprovalDecision) {
        timers.removeValue(forKey: id)?.cancel()
        pending.removeValue(forKey: id)?.resume(returning: decision)
    }
}
