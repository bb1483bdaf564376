/// Draws a board: a header bar, the alert line when a caller waits for a human, the list of calls,
/// and the selected call's panes below it; or, opened, that call on the whole screen.
public struct BoardView {
    public init() {}

    /// Rows the selected call's panes need below the list.
    static let previewRows = 14
    /// At most this many list rows; more entries scroll.
    static let maximumListRows = 8

    public func render(_ board: BoardState, in area: Rect, theme: Theme, into grid: inout Grid) {
        grid.fill(area)
        if area.width < 40 || area.height < 12 {
            grid.write("Ringside needs a bigger window (80×24).", x: area.x, y: area.y, limit: area.width, fg: .warn)
            return
        }
        if board.isOpen, let entry = board.selectedEntry {
            renderOpen(board, entry: entry, in: area, theme: theme, into: &grid)
            return
        }
        let (headerRow, belowHeader) = area.splitTop(1)
        drawHeader(board, in: headerRow, into: &grid)
        var rest = belowHeader
        if let alerted = board.alerts.first {
            let (alertRow, after) = rest.splitTop(1)
            drawAlert(alerted, count: board.alerts.count, in: alertRow, into: &grid)
            rest = after
        }
        let (body, footer) = rest.splitBottom(1)
        if board.entries.isEmpty {
            grid.write(board.emptyNote, x: body.x + 2, y: body.y + body.height / 2, limit: body.width - 4, fg: .muted)
        } else {
            let rows = min(board.entries.count, max(2, min(Self.maximumListRows, body.height - 1 - Self.previewRows)))
            let (list, preview) = body.splitTop(rows + 1)
            drawList(board, rows: rows, in: list, into: &grid)
            if let entry = board.selectedEntry {
                // The call's own screen without its footer: the board's keys go there instead.
                var call = entry.call
                call.view.showHelp = false
                var sub = Grid(width: preview.width, height: preview.height + 1)
                CallScreenView().render(call, in: sub.area, theme: theme, into: &sub)
                for y in 0..<preview.height {
                    for x in 0..<preview.width { grid[preview.x + x, preview.y + y] = sub[x, y] }
                }
            }
        }
        drawFooter(board, in: footer, into: &grid)
        if board.showHelp { HelpOverlay.draw(BoardInput.helpEntries, in: area, theme: theme, into: &grid) }
    }

    private func renderOpen(_ board: BoardState, entry: BoardEntry, in area: Rect, theme: Theme, into grid: inout Grid) {
        CallScreenView().render(entry.call, in: area, theme: theme, into: &grid)
        // Another caller waiting for a human shows over the header's second line.
        if let other = board.alerts.first(where: { $0.id != entry.id }) {
            drawAlert(other, count: board.alerts.count, in: area.splitTop(2).top.row(1), into: &grid)
        }
        let view = entry.call.view
        if view.input == nil, !view.confirmingQuit, !view.showHelp {
            let hint = " Esc calls "
            let footer = area.splitBottom(1).bottom
            let x = footer.maxX - DisplayWidth.of(hint)
            grid.fill(Rect(x: x, y: footer.y, width: DisplayWidth.of(hint), height: 1))
            grid.write(" Esc", x: x, y: footer.y, limit: 4, fg: .key)
            grid.write(" calls ", x: x + 4, y: footer.y, limit: footer.maxX - x - 4, fg: .muted)
        }
    }

    private func drawHeader(_ board: BoardState, in row: Rect, into grid: inout Grid) {
        grid.fill(row, with: Cell(fg: .header, bg: .headerBar))
        var x = row.x
        var right = board.summary
        let waiting = board.alerts.filter { !$0.alertIsRule }.count, alerted = board.alerts.count - waiting
        if waiting > 0 { right += "  ⚠ \(waiting) WAITING FOR A HUMAN" }
        if alerted > 0 { right += "  ⚠ \(alerted) ALERT" + (alerted > 1 ? "S" : "") }
        let text = right.isEmpty ? "" : right + " "
        x += grid.write(" RINGSIDE ", x: x, y: row.y, limit: row.maxX - x, fg: .header, attributes: .bold)
        // The title gives way to the summary (counts, alerts), which matters more.
        let room = max(10, row.maxX - x - DisplayWidth.of(text) - 3)
        x += grid.write(" " + DisplayWidth.truncate(board.title, to: room), x: x, y: row.y, limit: row.maxX - x, fg: .header)
        guard !text.isEmpty else { return }
        let start = max(x + 2, row.maxX - DisplayWidth.of(text))
        grid.write(text, x: start, y: row.y, limit: row.maxX - start, fg: board.alerts.isEmpty ? .header : .approval, attributes: .bold)
    }

    private func drawAlert(_ entry: BoardEntry, count: Int, in row: Rect, into grid: inout Grid) {
        grid.fill(row, with: Cell(fg: .approval, bg: .approvalBar))
        let more = count > 1 ? " (+\(count - 1) more)" : ""
        let text = entry.alertIsRule
            ? " ⚠ \(entry.title) alert\(more): \(entry.alert ?? "") · select it and press t to take over"
            : " ⚠ \(entry.title) wants a human\(more): \(entry.alert ?? "") · select it and press t to take the call"
        grid.write(DisplayWidth.truncate(text, to: row.width), x: row.x, y: row.y, limit: row.width, fg: .approval, attributes: .bold)
    }

    private func drawList(_ board: BoardState, rows: Int, in area: Rect, into grid: inout Grid) {
        let live = board.activeCount
        let detail = "\(live) live · \(board.entries.count) listed" + (board.follows ? " · following" : "")
        let body = PanelTitle.draw(board.listTitle, detail: detail, in: area, into: &grid)
        // Keep the selection in view: scroll so it sits in the window.
        let first = max(0, min(board.selected - rows / 2, board.entries.count - rows))
        for i in 0..<rows where first + i < board.entries.count {
            let index = first + i
            drawEntry(board.entries[index], number: index + 1, selected: index == board.selected, in: body.row(i), into: &grid)
        }
    }

    private func drawEntry(_ entry: BoardEntry, number: Int, selected: Bool, in row: Rect, into grid: inout Grid) {
        guard row.height > 0 else { return }
        if selected { grid.fill(row, with: Cell(fg: .text, bg: .overlayBar)) }
        var x = row.x
        func put(_ s: String, _ role: ColorRole, _ attributes: CellAttributes = [], width: Int? = nil) {
            let used = grid.write(s, x: x, y: row.y, limit: min(width ?? Int.max, row.maxX - x), fg: role, attributes: attributes)
            x += max(used, width ?? used)
        }
        put(selected ? "▸" : " ", .key, .bold, width: 2)
        put("\(number)", .muted, width: 4)
        let (badge, role) = Self.badge(entry)
        put(badge, role, .bold, width: 10)
        let clock = entry.badge == .queued ? "" : LatencyFormat.clock(seconds: entry.call.callDuration.seconds)
        put(clock, .muted, width: 7)
        put(entry.title, entry.alert != nil ? .approval : .text, entry.alert != nil ? .bold : [], width: max(12, min(40, row.width / 3)))
        put(entry.call.mode == .human ? "HUMAN" : "", .human, .bold, width: 7)
        let summary = entry.call.latencySummary
        var facts: [String] = []
        if summary.count > 0 { facts.append("\(summary.count) turns") }
        if let p50 = summary.p50Ms { facts.append("p50 " + LatencyFormat.milliseconds(p50)) }
        if !entry.call.pendingApprovals.isEmpty { facts.append("⚠ approval") }
        if !entry.detail.isEmpty { facts.append(entry.detail) }
        put(facts.joined(separator: " · "), .muted)
    }

    /// The list's status column for an entry.
    static func badge(_ entry: BoardEntry) -> (String, ColorRole) {
        if entry.alert != nil { return (entry.alertIsRule ? "⚠ ALERT" : "⚠ HUMAN?", .approval) }
        switch entry.badge {
        case .queued: return ("· queued", .muted)
        case .live: return entry.call.mode == .human ? ("● TAKEN", .human) : ("● live", .good)
        case .pass: return ("✓ PASS", .good)
        case .fail: return ("✗ FAIL", .bad)
        case .error: return ("! ERROR", .warn)
        case .ended: return ("■ ended", .muted)
        }
    }

    private func drawFooter(_ board: BoardState, in row: Rect, into grid: inout Grid) {
        guard row.height > 0 else { return }
        if board.confirmingQuit {
            grid.fill(row, with: Cell(fg: .approval, bg: .approvalBar))
            grid.write(" Quit and hang up the live calls?  y = quit · any other key = stay", x: row.x, y: row.y,
                       limit: row.width, fg: .approval, attributes: .bold)
            return
        }
        var keys: [(String, String)] = [("↑/↓", "select"), ("Enter", "open")]
        if board.allowsActions, let entry = board.selectedEntry, entry.call.status.isActive {
            keys.append(("t", entry.call.mode == .human ? "hand back" : (entry.alert != nil ? "take the call" : "take over")))
            if !entry.call.pendingApprovals.isEmpty { keys.append(("a/d", "approve/deny")) }
            if board.supervises {
                if entry.call.mode == .human { keys.append(("D", "drop the agent")) }
                keys.append(("x", "transfer"))
            }
        }
        keys += [("f", board.follows ? "stay here" : "follow"), ("?", "help"), ("q", "quit"), ("T", "theme")]
        FooterWidget.drawKeys(keys, in: row, into: &grid)
    }

    /// Renders `board` into a new grid of the given size.
    public static func grid(for board: BoardState, width: Int, height: Int, theme: Theme) -> Grid {
        var grid = Grid(width: width, height: height)
        BoardView().render(board, in: grid.area, theme: theme, into: &grid)
        return grid
    }
}
