import RingsideCore
@testable import TUI

/// Builds events at millisecond times for tests.
func event(_ ms: Double, turn: Int = 1, _ payload: CallEventPayload) -> CallEvent {
    CallEvent(callID: "test", turn: turn, time: .milliseconds(ms), stage: .session, payload: payload)
}

func state(_ events: [CallEvent], info: SessionInfo = SessionInfo()) -> CallState {
    var s = CallState(sessionInfo: info)
    for e in events { s.apply(e) }
    return s
}

/// Renders one widget into a fresh grid and returns its rows as text.
func render(_ widget: some Widget, _ state: CallState, width: Int, height: Int, theme: Theme = .builtinDefault) -> Grid {
    var grid = Grid(width: width, height: height)
    widget.render(state, in: grid.area, theme: theme, into: &grid)
    return grid
}

/// The demo call's state at its end (every event applied).
func demoState() -> CallState {
    state(DemoCall.events(), info: DemoCall.sessionInfo)
}

/// Where the repository's themes folder is, from this file's path.
let themesDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/TUITests/Fixtures.swift
    return parts.joined(separator: "/") + "/themes"
}()
