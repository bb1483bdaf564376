/// Tool calls, newest at the bottom: status, name, duration, attempts, arguments and result.
/// Pending approval requests come first on a highlighted row with the keys to decide them.
public struct ToolTraceWidget: Widget {
    public init() {}

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        let pending = state.pendingApprovals.count
        let detail = pending > 0 ? "\(pending) awaiting approval" : (state.tools.isEmpty ? nil : "\(state.tools.count) calls")
        let body = PanelTitle.draw("Tools", detail: detail, detailRole: pending > 0 ? .approval : .muted, in: area, into: &grid)
        guard body.height > 0 else { return }
        var y = body.y
        for (i, request) in state.pendingApprovals.prefix(body.height).enumerated() {
            drawApproval(request, isNext: i == 0, row: Rect(x: body.x, y: y, width: body.width, height: 1), into: &grid)
            y += 1
        }
        let rowsLeft = body.maxY - y
        guard rowsLeft > 0 else { return }
        if state.tools.isEmpty && pending == 0 {
            grid.write("no tool calls yet", x: body.x, y: y, limit: body.width, fg: .muted)
            return
        }
        let nameWidth = min(22, max(8, state.tools.map { DisplayWidth.of($0.tool) }.max() ?? 8))
        for row in state.tools.suffix(rowsLeft) {
            drawTool(row, nameWidth: nameWidth, row: Rect(x: body.x, y: y, width: body.width, height: 1), into: &grid)
            y += 1
        }
    }

    func drawApproval(_ request: ApprovalRequest, isNext: Bool, row: Rect, into grid: inout Grid) {
        grid.fill(row, with: Cell(fg: .approval, bg: .approvalBar))
        let keys = isNext ? "  [a] approve  [d] deny " : "  (next) "
        let keysWidth = DisplayWidth.of(keys)
        var x = row.x
        x += grid.write("⚠ APPROVE? ", x: x, y: row.y, limit: row.maxX - x, fg: .approval, attributes: .bold)
        x += grid.write(request.tool + " ", x: x, y: row.y, limit: row.maxX - x, fg: .approval)
        let argsWidth = row.maxX - keysWidth - x
        if argsWidth > 3 {
            grid.write(DisplayWidth.truncate(request.arguments, to: argsWidth), x: x, y: row.y, limit: argsWidth, fg: .text)
        }
        let kx = max(x, row.maxX - keysWidth)
        grid.write(keys, x: kx, y: row.y, limit: row.maxX - kx, fg: .key)
    }

    func drawTool(_ tool: ToolTraceRow, nameWidth: Int, row: Rect, into grid: inout Grid) {
        let (icon, role): (String, ColorRole) = switch tool.status {
        case .ok: ("✓", .good)
        case .failed: ("✗", .bad)
        case .pending: ("…", .warn)
        }
        var x = row.x
        x += grid.write(icon + " ", x: x, y: row.y, limit: row.maxX - x, fg: role, attributes: .bold)
        grid.write(DisplayWidth.truncate(tool.tool, to: nameWidth), x: x, y: row.y, limit: nameWidth, fg: .text)
        x += nameWidth + 1
        let duration = tool.durationMs.map(LatencyFormat.milliseconds) ?? "…"
        grid.write(String(repeating: " ", count: max(0, 6 - DisplayWidth.of(duration))) + duration, x: x, y: row.y, limit: 6, fg: .muted)
        x += 7
        x += grid.write(tool.attempts > 1 ? "×\(tool.attempts) " : "   ", x: x, y: row.y, limit: row.maxX - x, fg: tool.attempts > 1 ? .warn : .muted)
        let rest = row.maxX - x
        guard rest > 6 else { return }
        let argsWidth = tool.result.isEmpty ? rest : rest * 45 / 100
        x += grid.write(DisplayWidth.truncate(tool.arguments, to: argsWidth), x: x, y: row.y, limit: argsWidth, fg: .muted)
        guard !tool.result.isEmpty, row.maxX - x > 4 else { return }
        x += grid.write(" → ", x: x, y: row.y, limit: row.maxX - x, fg: .border)
        grid.write(DisplayWidth.truncate(tool.result, to: row.maxX - x), x: x, y: row.y, limit: row.maxX - x,
                   fg: tool.status == .failed ? .bad : .text)
    }
}
