import RingsideCore

/// A recorded call seen turn by turn: the screen shows the call as it stood when the current turn
/// ended, folded from the recorded events exactly as the live screen folds them.
///
/// Pure and value-typed, so stepping and the screen it produces are tested without a terminal.
public struct ReplayModel: Sendable {
    public let events: [CallEvent]
    public let turns: [RecordedTurn]
    public let sessionInfo: SessionInfo
    public let folder: String
    /// Notes shown at the top of the transcript (problems found reading the recording).
    public let notes: [String]
    public private(set) var index: Int
    public var playing = false

    public init(events: [CallEvent], turns: [RecordedTurn], sessionInfo: SessionInfo = SessionInfo(), folder: String = "",
                notes: [String] = [], startAt index: Int = 0) {
        self.events = events
        self.turns = turns
        self.sessionInfo = sessionInfo
        self.folder = folder
        self.notes = notes
        self.index = turns.isEmpty ? 0 : max(0, min(turns.count - 1, index))
    }

    public var currentTurn: RecordedTurn? { turns.isEmpty ? nil : turns[index] }

    /// Moves to another turn (clamped); returns whether it moved. Moving stops playback.
    @discardableResult
    public mutating func go(to newIndex: Int) -> Bool {
        let clamped = turns.isEmpty ? 0 : max(0, min(turns.count - 1, newIndex))
        guard clamped != index else { return false }
        index = clamped
        playing = false
        return true
    }

    /// The call as it stood at the end of the current turn, with the view's scroll, help and theme kept.
    public func state(view: ViewState = ViewState()) -> CallState {
        var state = CallState(sessionInfo: sessionInfo)
        for note in notes {
            state.apply(CallEvent(callID: "", turn: 0, time: .zero, stage: .session, payload: .error(note)))
        }
        if let turn = currentTurn {
            for event in events[0...turn.lastEventIndex] { state.apply(event) }
            state.advance(to: turn.end)
        }
        state.view = view
        state.view.replay = ReplayPosition(index: index, count: turns.count, turnNumber: currentTurn?.number ?? 0,
                                           playing: playing, folder: folder)
        return state
    }

    /// What a key does in a replay.
    public enum Action: Sendable, Equatable {
        /// The shown turn changed (redraw; any sound playing stops).
        case moved
        /// Play the current turn's audio from `start` to `end`.
        case play(start: MediaTime, end: MediaTime)
        case stop
        case cycleTheme
        case quit
        /// The view changed (scroll, help); redraw.
        case view
    }

    /// Applies a key: arrows, n/p, Home/End, g/G step through turns; Space/Enter play or stop the
    /// turn's audio; PgUp/PgDn scroll; `?` help; `T` theme; `q` or Esc quit.
    public mutating func handle(_ key: KeyPress, view: inout ViewState) -> Action? {
        if view.showHelp {
            view.showHelp = false
            if key == .character("?") || key == .escape { return .view }
        }
        switch key {
        case .right, .character("n"), .down: return go(to: index + 1) ? .moved : nil
        case .left, .character("p"), .up: return go(to: index - 1) ? .moved : nil
        case .home, .character("g"): return go(to: 0) ? .moved : nil
        case .end, .character("G"): return go(to: turns.count - 1) ? .moved : nil
        case .character(" "), .enter:
            if playing {
                playing = false
                return .stop
            }
            guard let turn = currentTurn else { return nil }
            playing = true
            return .play(start: turn.start, end: turn.end)
        case .pageUp:
            view.scrollOffset += InputController.page
            return .view
        case .pageDown:
            view.scrollOffset = max(0, view.scrollOffset - InputController.page)
            return .view
        case .character("?"):
            view.showHelp.toggle()
            return .view
        case .character("T"): return .cycleTheme
        case .character("q"), .escape: return .quit
        default: return nil
        }
    }
}
