import RingsideCore

/// The last 30 seconds as lanes: caller speech, agent (or, after a takeover, human) speech in
/// their own roles, and marks for each end of turn (`▲`) and barge-in (`✕`). Newest at the right.
public struct TimelineWidget: Widget {
    public init() {}

    static let labelWidth = 7

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        let seconds = Int(CallTimeline.window.seconds)
        let body = PanelTitle.draw("Timeline", detail: "last \(seconds)s → now", in: area, into: &grid)
        let columns = body.width - Self.labelWidth
        guard body.height > 0, columns > 0 else { return }
        let start = state.now - CallTimeline.window
        let step = Double(CallTimeline.window.nanoseconds) / Double(columns)
        func column(_ t: MediaTime) -> Int { Int((Double((t - start).nanoseconds) / step).rounded(.down)) }
        let x0 = body.x + Self.labelWidth

        func lane(_ row: Int, _ label: String, _ spans: [CallTimeline.Span]) {
            guard row < body.height else { return }
            let y = body.y + row
            grid.write(label, x: body.x, y: y, limit: Self.labelWidth - 1, fg: .muted)
            grid.repeatChar("·", x: x0, y: y, count: columns, fg: .border)
            for span in spans {
                let a = max(0, column(span.start))
                let b = min(columns - 1, column(span.end ?? state.now))
                guard a <= b, b >= 0 else { continue }
                grid.repeatChar("█", x: x0 + a, y: y, count: b - a + 1, fg: .speaker(span.speaker))
            }
        }
        lane(0, "caller", state.timeline.callerSpans)
        // One lane for whoever answers the caller; human spans are drawn in the human role.
        lane(1, "agent", state.timeline.agentSpans)
        if body.height > 2 {
            let y = body.y + 2
            grid.write("turns", x: body.x, y: y, limit: Self.labelWidth - 1, fg: .muted)
            for mark in state.timeline.marks {
                let c = column(mark.time)
                guard c >= 0, c < columns else { continue }
                switch mark.kind {
                case .endOfTurn: grid.write("▲", x: x0 + c, y: y, limit: 1, fg: .note)
                case .bargeIn: grid.write("✕", x: x0 + c, y: y, limit: 1, fg: .bad, attributes: .bold)
                }
            }
        }
        if body.height > 3 { drawAxis(y: body.y + 3, x0: x0, columns: columns, into: &grid) }
    }

    /// Tick labels every five seconds when there is a row for them.
    func drawAxis(y: Int, x0: Int, columns: Int, into grid: inout Grid) {
        let seconds = Int(CallTimeline.window.seconds)
        for s in stride(from: seconds, through: 0, by: -5) {
            let label = s == 0 ? "now" : "-\(s)s"
            let c = Int(Double(columns) * Double(seconds - s) / Double(seconds))
            let x = min(x0 + c, x0 + columns - DisplayWidth.of(label))
            grid.write(label, x: x, y: y, limit: DisplayWidth.of(label), fg: .muted)
        }
    }
}
