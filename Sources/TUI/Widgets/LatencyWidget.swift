import RingsideCore

/// Per-turn latency: one stacked bar per turn split by stage, the voice-to-voice figure graded
/// good/warn/bad, a legend, p50/p95 in the title, and the worst turn named with its biggest stage.
/// With room to spare (wide and tall), each bar gets a line of per-stage figures under it. A mark after
/// the turn's label says whether its reply was speculated on at a pause and held ("+") or not ("~").
public struct LatencyWidget: Widget {
    public init() {}

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        let summary = state.latencySummary
        var detail: String?
        if let p50 = summary.p50Ms, let p95 = summary.p95Ms {
            detail = "p50 \(LatencyFormat.milliseconds(p50)) · p95 \(LatencyFormat.milliseconds(p95))"
        }
        let gradeRole = summary.p95Ms.map(theme.grade) ?? .muted
        var body = PanelTitle.draw("Latency", detail: detail, detailRole: gradeRole, in: area, into: &grid)
        guard body.height > 0, body.width > 12 else { return }

        drawLegend(in: body.row(0), theme: theme, into: &grid)
        body = body.splitTop(1).rest
        let turns = state.turnLatencies.filter { $0.speechEnd != nil }
        guard !turns.isEmpty else {
            if body.height > 0 { grid.write("no caller turns yet", x: body.x, y: body.y, limit: body.width, fg: .muted) }
            return
        }
        var barsArea = body
        if let worst = summary.worst, body.height > 1 {
            let split = body.splitBottom(1)
            barsArea = split.rest
            drawWorst(worst, in: split.bottom, theme: theme, into: &grid)
        }
        let detailed = barsArea.width >= 50 && barsArea.height >= 2 * min(turns.count, 4)
        let rowsPerTurn = detailed ? 2 : 1
        let shown = Array(turns.suffix(max(0, barsArea.height / rowsPerTurn)))
        let scale = max(theme.badMs, shown.map(Self.extent).max() ?? 0)
        for (i, turn) in shown.enumerated() {
            let y = barsArea.y + i * rowsPerTurn
            drawBar(turn, y: y, in: barsArea, scale: scale, theme: theme, into: &grid)
            if detailed { drawStageFigures(turn, y: y + 1, in: barsArea, into: &grid) }
        }
    }

    /// The larger of voice-to-voice and the stages' sum, so bars never overflow the scale.
    static func extent(_ turn: TurnLatency) -> Double {
        max(turn.voiceToVoiceMs ?? 0, turn.stageBreakdown.reduce(0) { $0 + $1.ms })
    }

    static func label(_ stage: LatencyStage, short: Bool) -> String {
        guard short else { return stage.label }
        switch stage {
        case .endpointing: return "endp"
        case .playout: return "play"
        case .tools: return "tool"
        default: return stage.label
        }
    }

    func drawLegend(in row: Rect, theme: Theme, into grid: inout Grid) {
        let short = row.width < 48
        var x = row.x
        for stage in LatencyStage.allCases {
            if x > row.x { x += 1 }
            x += grid.write(String(theme.glyph(stage)), x: x, y: row.y, limit: row.maxX - x, fg: .stage(stage))
            x += grid.write(Self.label(stage, short: short), x: x, y: row.y, limit: row.maxX - x, fg: .muted)
        }
    }

    func drawBar(_ turn: TurnLatency, y: Int, in area: Rect, scale: Double, theme: Theme, into grid: inout Grid) {
        let label = "T\(turn.turn)"
        let labelWidth = 4
        let figureWidth = 7
        grid.write(label, x: area.x, y: y, limit: labelWidth - 1, fg: .muted)
        if let mark = Self.speculationMark(turn) {
            grid.write(mark.glyph, x: area.x + labelWidth - 1, y: y, limit: 1, fg: mark.role)
        }
        let barX = area.x + labelWidth
        let barWidth = area.width - labelWidth - figureWidth
        guard barWidth > 0 else { return }
        var cumulative = 0.0
        for (stage, ms) in turn.stageBreakdown {
            let start = Int((cumulative / scale * Double(barWidth)).rounded())
            cumulative += ms
            let end = min(barWidth, Int((cumulative / scale * Double(barWidth)).rounded()))
            grid.repeatChar(theme.glyph(stage), x: barX + start, y: y, count: end - start, fg: .stage(stage))
        }
        let figure: String
        let role: ColorRole
        if let v2v = turn.voiceToVoiceMs {
            figure = LatencyFormat.milliseconds(v2v)
            role = theme.grade(v2v)
        } else {
            figure = "…"
            role = .muted
        }
        let fx = area.maxX - DisplayWidth.of(figure)
        grid.write(figure, x: fx, y: y, limit: area.maxX - fx, fg: role, attributes: role == .bad ? .bold : [])
    }

    /// The turn's reply was speculated on at a pause: "+" it held (played at once), "~" it was
    /// recomputed at the end of the turn. Nothing when it was not speculated on.
    static func speculationMark(_ turn: TurnLatency) -> (glyph: String, role: ColorRole)? {
        guard let s = turn.speculation else { return nil }
        return s.held ? ("+", .good) : ("~", .warn)
    }

    func drawStageFigures(_ turn: TurnLatency, y: Int, in area: Rect, into grid: inout Grid) {
        var x = area.x + 4
        for (stage, ms) in turn.stageBreakdown {
            let text = "\(Self.label(stage, short: true)) \(LatencyFormat.milliseconds(ms))  "
            x += grid.write(text, x: x, y: y, limit: area.maxX - x, fg: .muted)
        }
        if let s = turn.speculation {
            let text = s.held ? "speculated, held" : "speculated, recomputed"
            grid.write(text, x: x, y: y, limit: area.maxX - x, fg: .muted)
        }
    }

    func drawWorst(_ worst: TurnLatency, in row: Rect, theme: Theme, into grid: inout Grid) {
        guard let v2v = worst.voiceToVoiceMs else { return }
        var text = "worst T\(worst.turn) \(LatencyFormat.milliseconds(v2v))"
        if let big = worst.biggestStage { text += " · \(big.stage.label) \(LatencyFormat.milliseconds(big.ms))" }
        grid.write(text, x: row.x, y: row.y, limit: row.width, fg: theme.grade(v2v))
    }
}
