import Foundation
import RingsideCore
import Synchronization

/// The board app: several calls on one screen (`serve`'s live calls, the runs of `ringside test
/// --tui`). Entries and their events arrive from any thread; the screen's own thread folds them into a
/// `BoardState`, draws it when it changed, rings the bell when a caller waits for a human, and hands
/// the operator's actions for a call back through a callback.
///
/// ```swift
/// let board = BoardScreen(board: BoardState(title: "SERVE sip:agent@127.0.0.1:5062"), themes: themes)
/// server.onCall = { call in
///     board.upsert(id: call.id, title: call.caller, badge: .live)
///     board.attach(id: call.id, events: call.bus.stream(), clock: call.bus.clock)
/// }
/// let exit = try await board.run { id, action in sessions[id]?.send(command(for: action)) }
/// ```
public final class BoardScreen: Sendable {
    private enum Update: Sendable {
        case upsert(id: String, title: String, detail: String, badge: BoardEntry.Badge)
        case info(id: String, SessionInfo)
        case summary(String)
        case event(id: String, CallEvent)
        case alert(id: String, rule: String)
    }

    private struct Inbox: Sendable {
        var updates: [Update] = []
        var clocks: [String: any CallClock] = [:]
        var finished = false
    }

    private let inbox = Mutex(Inbox())
    private let initialBoard: BoardState
    private let themes: ThemeLibrary
    private let initialTheme: Theme
    private let stopWhenFinished: Bool
    /// Ended served calls kept on the list.
    private let keepEnded: Int

    /// - Parameters:
    ///   - stopWhenFinished: end `run` once `finish()` was called (else it waits for `q`).
    ///   - keepEnded: ended calls (badge `.ended`) kept on the list; older ones are dropped.
    public init(board: BoardState, themes: ThemeLibrary = ThemeLibrary(themes: []), initialTheme: String? = nil,
                stopWhenFinished: Bool = false, keepEnded: Int = 50) {
        initialBoard = board
        self.themes = themes
        self.initialTheme = initialTheme.flatMap(themes.theme(named:)) ?? themes.themes[0]
        self.stopWhenFinished = stopWhenFinished
        self.keepEnded = keepEnded
    }

    /// Adds an entry or changes its title, detail or badge. Thread-safe, like every method here.
    public func upsert(id: String, title: String, detail: String = "", badge: BoardEntry.Badge) {
        inbox.withLock { $0.updates.append(.upsert(id: id, title: title, detail: detail, badge: badge)) }
    }

    public func setSessionInfo(_ info: SessionInfo, for id: String) {
        inbox.withLock { $0.updates.append(.info(id: id, info)) }
    }

    /// The header's right-hand summary ("12/66 · 11 pass · 1 fail").
    public func setSummary(_ summary: String) {
        inbox.withLock { $0.updates.append(.summary(summary)) }
    }

    /// One of an entry's events.
    public func push(_ event: CallEvent, to id: String) {
        inbox.withLock { $0.updates.append(.event(id: id, event)) }
    }

    /// A supervise alert rule broken on call `id`: the call is highlighted and the bell rings.
    public func raise(rule: String, on id: String) {
        inbox.withLock { $0.updates.append(.alert(id: id, rule: rule)) }
    }

    /// Follows an entry's call: its events as they come and, with `clock`, its timer between events.
    public func attach(id: String, events: AsyncStream<CallEvent>, clock: (any CallClock)?) {
        if let clock { inbox.withLock { $0.clocks[id] = clock } }
        Task {
            for await event in events { self.push(event, to: id) }
            _ = self.inbox.withLock { $0.clocks.removeValue(forKey: id) }
        }
    }

    /// No more entries will come (the test run is over).
    public func finish() { inbox.withLock { $0.finished = true } }

    /// Runs the screen until the operator quits, a signal arrives, or (if asked) `finish()`.
    public func run(onAction: @escaping @Sendable (String, OperatorAction) -> Void) async throws(TerminalError) -> CallScreenExit {
        let result: Result<CallScreenExit, TerminalError> = await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: CursesScreen.session(theme: initialTheme) { screen, interrupt in
                    self.loop(screen: screen, interrupt: interrupt, onAction: onAction)
                })
            }
            thread.name = "ringside.board"
            thread.start()
        }
        return try result.get()
    }

    private func loop(screen: CursesScreen, interrupt: InterruptFlag, onAction: (String, OperatorAction) -> Void) -> CallScreenExit {
        var board = initialBoard
        var theme = initialTheme
        board.themeName = theme.name
        var dirty = true
        var pacer = RedrawPacer()
        let wallClock = MonotonicClock()
        while true {
            if interrupt.isRaised { return .interrupted }
            let (updates, clocks, finished) = inbox.withLock { i -> ([Update], [String: any CallClock], Bool) in
                defer { i.updates.removeAll(keepingCapacity: true) }
                return (i.updates, i.clocks, i.finished)
            }
            var events: [CallEvent] = []
            for update in updates {
                switch update {
                case let .upsert(id, title, detail, badge):
                    board.upsert(id: id, title: title, detail: detail, badge: badge)
                    dirty = true
                case let .info(id, info):
                    board.setSessionInfo(info, for: id)
                    dirty = true
                case let .summary(s):
                    board.summary = s
                    dirty = true
                case let .alert(id, rule):
                    board.raise(rule: rule, on: id)
                    dirty = true
                case let .event(id, event):
                    board.apply(event, to: id)
                    // Only the call on screen redraws for its meters; any other call's real events redraw its list row.
                    if id == board.selectedEntry?.id || !RedrawPacer.isLevel(event) { events.append(event) }
                }
            }
            board.forgetEnded(keeping: keepEnded)
            if pacer.wantsRedraw(for: events, at: wallClock.now()) { dirty = true }
            if board.bellsPending > 0 {
                screen.bell()
                board.bellsPending = 0
            }
            if finished && stopWhenFinished { return .eventsEnded }
            if let entry = board.selectedEntry, entry.call.status.isActive, let clock = clocks[entry.id] {
                board.advance(entry.id, to: clock.now())
                if pacer.ticked(callTime: clock.now()) { dirty = true }
            }
            if dirty {
                let size = screen.size
                screen.draw(BoardView.grid(for: board, width: size.width, height: size.height, theme: theme))
                dirty = false
                pacer.drew(at: wallClock.now())
            }
            var quit = false
            let keyed = screen.readKeys(timeoutMs: CallScreen.frameMilliseconds) { key in
                let outcome = BoardInput.handle(key, board: &board)
                if outcome.cycleTheme {
                    theme = screen.switchTheme(after: theme, in: themes)
                    board.themeName = theme.name
                }
                for a in outcome.actions { onAction(a.entryID, a.action) }
                quit = outcome.quit
                return !quit
            }
            if quit { return .quit }
            if keyed { dirty = true }
        }
    }
}
