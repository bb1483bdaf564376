/// The bottom row: the keys, or the text being typed after Tab, or the quit confirmation.
public struct FooterWidget: Widget {
    public init() {}

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        guard area.height > 0 else { return }
        let row = area.row(0)
        if state.view.confirmingQuit {
            grid.fill(row, with: Cell(fg: .approval, bg: .approvalBar))
            grid.write(" Quit while the call is active?  y = quit · any other key = stay", x: row.x, y: row.y, limit: row.width,
                       fg: .approval, attributes: .bold)
            return
        }
        if let input = state.view.input {
            var x = row.x
            x += grid.write(state.view.inputPurpose == .transfer ? " transfer to› " : " say› ", x: x, y: row.y, limit: row.width, fg: .key)
            let hint = "  Enter send · Esc cancel"
            let room = row.maxX - x - DisplayWidth.of(hint) - 1
            // Show the end of a long line, where the cursor is.
            var shown = input
            while DisplayWidth.of(shown) > room, !shown.isEmpty { shown.removeFirst() }
            x += grid.write(shown, x: x, y: row.y, limit: max(0, room), fg: .input)
            x += grid.write("▏", x: x, y: row.y, limit: 1, fg: .input, attributes: .bold)
            grid.write(hint, x: x, y: row.y, limit: row.maxX - x, fg: .muted)
            return
        }
        Self.drawKeys(Self.keys(state), in: row, into: &grid)
    }

    /// Writes key hints (key, what it does) along `row`, as many as fit.
    static func drawKeys(_ keys: [(String, String)], in row: Rect, into grid: inout Grid) {
        var x = row.x + 1
        for (key, action) in keys {
            if x + DisplayWidth.of(key) + DisplayWidth.of(action) + 1 > row.maxX { break }
            x += grid.write(key, x: x, y: row.y, limit: row.maxX - x, fg: .key)
            x += grid.write(" " + action + "  ", x: x, y: row.y, limit: row.maxX - x, fg: .muted)
        }
    }

    /// The key hints in priority order; the row shows as many as fit.
    static func keys(_ state: CallState) -> [(String, String)] {
        if let replay = state.view.replay {
            return [("←/→", "turn"), ("Space", replay.playing ? "stop" : "play turn"), ("Home/End", "first/last"), ("?", "help"),
                    ("q", "quit"), ("PgUp/PgDn", "scroll"), ("T", "theme")]
        }
        if state.view.softphone {
            return [("0-9*#", "DTMF"), ("X", "hang up"), ("H", state.view.onHold ? "resume" : "hold"),
                    ("m", state.view.micMuted ? "unmute" : "mute"), ("?", "help"), ("PgUp/PgDn", "scroll"), ("T", "theme")]
        }
        var keys: [(String, String)] = []
        if !state.pendingApprovals.isEmpty { keys.append(("a/d", "approve/deny")) }
        keys.append(("t", state.mode == .human ? "hand back" : "take over"))
        keys.append(("m", state.view.micMuted ? "unmute" : "mute"))
        keys.append(("Tab", "type"))
        keys.append(("?", "help"))
        keys.append(("q", "quit"))
        keys.append(("PgUp/PgDn", "scroll"))
        keys.append(("T", "theme"))
        return keys
    }
}
