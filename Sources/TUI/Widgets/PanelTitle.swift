/// The one-line rule that heads each pane: `─ Title ───── detail ─`.
public enum PanelTitle {
    /// Draws the rule on the first row of `area` and returns the rows below it.
    @discardableResult
    public static func draw(_ title: String, detail: String? = nil, detailRole: ColorRole = .muted,
                            in area: Rect, into grid: inout Grid) -> Rect {
        guard !area.isEmpty else { return area }
        grid.repeatChar("─", x: area.x, y: area.y, count: area.width, fg: .border)
        grid.write(" \(title) ", x: area.x + 1, y: area.y, limit: area.width - 1, fg: .title)
        if let detail, !detail.isEmpty {
            let text = " \(detail) "
            let w = DisplayWidth.of(text)
            let start = max(area.x + DisplayWidth.of(title) + 4, area.maxX - w - 1)
            grid.write(text, x: start, y: area.y, limit: area.maxX - start, fg: detailRole)
        }
        return area.splitTop(1).rest
    }
}
