/// The conversation: caller, agent and human lines with their speaker in a left column.
/// Caller partials are dimmed and end in `…`; an agent line cut off by a barge-in shows the part
/// the caller heard normally and the rest in the cut-off role, followed by `⟂ cut off`.
public struct TranscriptWidget: Widget {
    public init() {}

    static let labelWidth = 7

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        let offset = max(0, state.view.scrollOffset)
        let body = area.splitTop(1).rest
        let textWidth = body.width - Self.labelWidth
        guard body.height > 0, textWidth > 4 else {
            PanelTitle.draw("Transcript", in: area, into: &grid)
            return
        }
        // Wrap from the newest line back until enough rows for the view and the scroll offset.
        var rows: [(label: String?, role: ColorRole, glyphs: [StyledText.Glyph])] = []
        var needed = body.height + offset
        for line in state.transcript.reversed() {
            let wrapped = Self.styled(line).wrapped(to: textWidth)
            let label = Self.label(line)
            let block = wrapped.enumerated().map { i, g in (i == 0 ? label : nil, ColorRole.speaker(line.speaker), g) }
            rows.insert(contentsOf: block, at: 0)
            needed -= block.count
            if needed <= 0 { break }
        }
        let clampedOffset = min(offset, max(0, rows.count - body.height))
        let end = rows.count - clampedOffset
        let visible = rows[max(0, end - body.height)..<end]
        PanelTitle.draw("Transcript", detail: clampedOffset > 0 ? "↑ scrolled \(clampedOffset) · PgDn" : nil,
                        detailRole: .key, in: area, into: &grid)
        for (i, row) in visible.enumerated() {
            let y = body.y + i
            if let label = row.label {
                grid.write(label, x: body.x, y: y, limit: Self.labelWidth - 1, fg: row.role, attributes: .bold)
            }
            grid.write(row.glyphs, x: body.x + Self.labelWidth, y: y, limit: textWidth)
        }
    }

    static func label(_ line: TranscriptLine) -> String {
        guard let speaker = line.speaker else { return "  ·" }
        return speaker.rawValue
    }

    static func styled(_ line: TranscriptLine) -> StyledText {
        switch line.kind {
        case .partial:
            return StyledText(line.text + " …", fg: .partial)
        case .note:
            return StyledText(line.text, fg: .note)
        case .final:
            let role = ColorRole.speaker(line.speaker)
            let textRole: ColorRole = line.speaker == .caller ? .text : role
            guard line.isCutOff else { return StyledText(line.text, fg: textRole) }
            var s = StyledText(line.heardText, fg: textRole)
            s.append(line.unheardText, fg: .cutOff)
            s.append(" ⟂ cut off", fg: .bad)
            return s
        }
    }
}
