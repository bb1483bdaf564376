import RingsideCore

/// Several calls on one screen: `serve`'s live calls, or the runs of `ringside test --tui`. A list of
/// entries, the selected one's panes below it, and that call opened on the whole screen on Enter.
///
/// Pure like `CallState`: the app feeds it events and keys, widgets draw it.
public struct BoardState: Sendable, Equatable {
    /// What the board shows, for the header: "SERVE sip:agent@127.0.0.1:5062", "TEST sample-calls".
    public var title: String
    /// A line for the header's right side: "3 live", "12/66 · 11 pass · 1 fail".
    public var summary: String
    /// Whether an operator can act on the calls (take over, approve): not on a test run's simulated calls.
    public var allowsActions = true
    /// The calls are supervised (`ringside supervise`): `x` transfers the selected caller, `D` drops its agent.
    public var supervises = false
    /// The list's pane title: "Calls", "Runs".
    public var listTitle = "Calls"
    /// What an empty board says (how to place a call, what is loading).
    public var emptyNote: String
    public private(set) var entries: [BoardEntry] = []
    /// Index of the selected entry (0 when empty).
    public private(set) var selected = 0
    /// The selected call fills the screen (Enter); Esc goes back to the list.
    public var isOpen = false
    /// The selection moves to each new entry (the call just placed, the run just started) until the
    /// operator picks one by hand.
    public var follows = true
    public var showHelp = false
    public var confirmingQuit = false
    /// Alerts not yet rung: the app rings the terminal bell once per alert and resets this.
    public var bellsPending = 0
    /// The theme in use, for help.
    public var themeName = "default"

    public init(title: String, summary: String = "", emptyNote: String = "") {
        self.title = title
        self.summary = summary
        self.emptyNote = emptyNote
    }

    public var selectedEntry: BoardEntry? { entries.indices.contains(selected) ? entries[selected] : nil }

    /// Entries whose caller waits for a human, in list order.
    public var alerts: [BoardEntry] { entries.filter { $0.alert != nil } }

    public var activeCount: Int { entries.filter { $0.call.status.isActive }.count }

    /// Adds an entry, or updates the title, detail and badge of the one with its id.
    public mutating func upsert(id: String, title: String, detail: String = "", badge: BoardEntry.Badge) {
        if let i = index(of: id) {
            entries[i].title = title
            entries[i].detail = detail
            entries[i].badge = badge
            if follows {
                if badge == .live {
                    selected = i
                } else if i == selected, let live = entries.firstIndex(where: { $0.badge == .live }) {
                    // The followed call is over: follow one still running.
                    selected = live
                }
            }
            return
        }
        var call = CallState()
        call.view.themeName = themeName
        entries.append(BoardEntry(id: id, title: title, detail: detail, badge: badge, call: call))
        if follows && (badge == .live || entries.count == 1) { selected = entries.count - 1 }
    }

    /// Sets the session facts (engines, devices) an entry's header shows.
    public mutating func setSessionInfo(_ info: SessionInfo, for id: String) {
        guard let i = index(of: id) else { return }
        entries[i].call.sessionInfo = info
    }

    /// Folds one event into its entry's call; an alert rings the bell and, when the board follows,
    /// selects the call that wants a human.
    public mutating func apply(_ event: CallEvent, to id: String) {
        guard let i = index(of: id) else { return }
        if entries[i].apply(event) {
            bellsPending += 1
            if !isOpen { selected = i }
        }
        if case .callEnded = event.payload, entries[i].badge == .live { entries[i].badge = .ended }
    }

    /// A supervise alert rule broken on call `id`: highlighted like a handoff, and the bell rings.
    public mutating func raise(rule: String, on id: String) {
        guard let i = index(of: id), entries[i].raise(rule: rule) else { return }
        bellsPending += 1
        if !isOpen { selected = i }
    }

    /// Moves every live entry's clock on (the timer and timeline move between events).
    public mutating func advance(_ id: String, to time: MediaTime) {
        guard let i = index(of: id) else { return }
        entries[i].call.advance(to: time)
    }

    /// Drops ended served calls beyond the newest `keep`, so a long-running serve stays small.
    public mutating func forgetEnded(keeping keep: Int) {
        let ended = entries.indices.filter { entries[$0].badge == .ended }
        guard ended.count > keep else { return }
        let drop = Set(ended.prefix(ended.count - keep))
        let selectedID = selectedEntry?.id
        entries = entries.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        selected = selectedID.flatMap(index(of:)) ?? max(0, min(selected, entries.count - 1))
    }

    public mutating func select(_ index: Int) {
        guard !entries.isEmpty else { return }
        selected = max(0, min(entries.count - 1, index))
    }

    /// The selected entry's call state, to change its view (scrolling, typing) in place.
    public mutating func withSelectedCall<T>(_ body: (inout CallState) -> T) -> T? {
        guard entries.indices.contains(selected) else { return nil }
        return body(&entries[selected].call)
    }

    func index(of id: String) -> Int? { entries.firstIndex { $0.id == id } }
}
