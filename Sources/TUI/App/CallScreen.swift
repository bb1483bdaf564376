import Foundation
import Logging
import RingsideCore

/// The call screen app: folds a call's events into `CallState`, draws it with ncurses when it
/// changed (up to ~33 frames a second, nothing when idle), turns keys into view changes and
/// `OperatorAction`s, and hands those to the session through a callback.
///
/// ```swift
/// let screen = CallScreen(sessionInfo: info, themes: .load(directory: dir))
/// let exit = try await screen.run(events: session.events, clock: session.clock) { action in
///     Task { await session.perform(action) }   // takeOver, handBack, approve(id:), say(text)…
/// }
/// ```
public final class CallScreen: Sendable {
    /// How often the loop looks at keys, events and the clock, in milliseconds.
    public static let frameMilliseconds: Int32 = 30

    private let inbox = EventInbox()
    private let initialInfo: SessionInfo
    private let themes: ThemeLibrary
    private let initialTheme: Theme
    private let stopWhenEventsEnd: Bool
    private let logger = Logger(label: "ringside.tui")

    /// - Parameters:
    ///   - themes: the themes `T` cycles through; `initialTheme` names the first (default: "default").
    ///   - stopWhenEventsEnd: end `run` when the event stream finishes instead of waiting for `q`.
    public init(sessionInfo: SessionInfo = SessionInfo(), themes: ThemeLibrary = ThemeLibrary(themes: []),
                initialTheme: String? = nil, stopWhenEventsEnd: Bool = false) {
        initialInfo = sessionInfo
        self.themes = themes
        self.initialTheme = initialTheme.flatMap(themes.theme(named:)) ?? themes.themes[0]
        self.stopWhenEventsEnd = stopWhenEventsEnd
    }

    /// Updates the session facts in the header (engines, devices, echo cancelling). Thread-safe.
    public func update(sessionInfo: SessionInfo) { inbox.set(sessionInfo) }

    /// Runs the screen until the operator quits, a signal arrives, or (if asked) the events end.
    ///
    /// - Parameters:
    ///   - events: the call's event stream.
    ///   - clock: the session's clock, so timers and the timeline move between events; nil to
    ///     move only with event times.
    ///   - onAction: called on the screen's thread for each operator action; return quickly.
    public func run(events: AsyncStream<CallEvent>, clock: (any CallClock)? = nil,
                    onAction: @escaping @Sendable (OperatorAction) -> Void) async throws(TerminalError) -> CallScreenExit {
        let inbox = self.inbox
        let receiver = Task {
            for await event in events { inbox.push(event) }
            inbox.finish()
        }
        defer { receiver.cancel() }
        let result: Result<CallScreenExit, TerminalError> = await withCheckedContinuation { continuation in
            // ncurses blocks in getch; give it its own thread rather than a cooperative one.
            let thread = Thread { [self] in
                continuation.resume(returning: self.loop(clock: clock, onAction: onAction))
            }
            thread.name = "ringside.tui"
            thread.start()
        }
        return try result.get()
    }

    private func loop(clock: (any CallClock)?, onAction: @Sendable (OperatorAction) -> Void) -> Result<CallScreenExit, TerminalError> {
        CursesScreen.session(theme: initialTheme) { screen, interrupt in
            loop(screen: screen, interrupt: interrupt, clock: clock, onAction: onAction)
        }
    }

    private func loop(screen: CursesScreen, interrupt: InterruptFlag, clock: (any CallClock)?,
                      onAction: @Sendable (OperatorAction) -> Void) -> CallScreenExit {
        var state = CallState(sessionInfo: initialInfo)
        var theme = initialTheme
        state.view.themeName = theme.name
        var dirty = true
        var pacer = RedrawPacer()
        let wallClock = MonotonicClock()
        var draws = 0
        let started = wallClock.now()
        // `RINGSIDE_TUI_STATS=FILE` writes how many frames were drawn in how long (for the benchmark).
        defer {
            if let path = ProcessInfo.processInfo.environment["RINGSIDE_TUI_STATS"] {
                let seconds = (wallClock.now() - started).seconds
                try? Data("{\"frames\": \(draws), \"seconds\": \(seconds)}\n".utf8).write(to: URL(fileURLWithPath: path))
            }
        }

        while true {
            if interrupt.isRaised { return .interrupted }
            let (events, info, finished) = inbox.drain()
            if let info {
                state.sessionInfo = info
                dirty = true
            }
            for event in events { state.apply(event) }
            if pacer.wantsRedraw(for: events, at: wallClock.now()) { dirty = true }
            if finished && stopWhenEventsEnd { return .eventsEnded }
            if let clock, state.status.isActive {
                state.advance(to: clock.now())
                if pacer.ticked(callTime: state.now) { dirty = true }
            }
            if dirty {
                let size = screen.size
                screen.draw(CallScreenView.grid(for: state, width: size.width, height: size.height, theme: theme))
                draws += 1
                dirty = false
                pacer.drew(at: wallClock.now())
            }
            var timeout = Self.frameMilliseconds
            while let key = screen.readKey(timeoutMs: timeout) {
                timeout = 0
                dirty = true
                let outcome = InputController.handle(key, state: &state)
                if outcome.cycleTheme {
                    theme = themes.next(after: theme)
                    state.view.themeName = theme.name
                    screen.setTheme(theme)
                    logger.debug("theme \(theme.name)")
                }
                for action in outcome.actions { onAction(action) }
                if outcome.quit { return .quit }
            }
        }
    }
}
