/// The whole call screen: header, transcript beside latency, timeline, tools, meters, footer,
/// and the help overlay on top when asked. Works from 80×24; extra rows go to the tools and
/// the timeline axis, extra columns to the transcript and the latency detail.
public struct CallScreenView: Widget {
    public init() {}

    /// The smallest screen the layout is designed for.
    public static let minimumSize = (width: 80, height: 24)

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        grid.fill(area)
        if area.width < 40 || area.height < 12 {
            grid.write("Ringside needs a bigger window (80×24).", x: area.x, y: area.y, limit: area.width, fg: .warn)
            grid.write("q quits", x: area.x, y: area.y + 1, limit: area.width, fg: .muted)
            return
        }
        let (header, afterHeader) = area.splitTop(2)
        let (aboveFooter, footer) = afterHeader.splitBottom(1)
        let (middle, meters) = aboveFooter.splitBottom(1)
        let toolsHeight = area.height >= 40 ? 10 : (area.height >= 30 ? 6 : 4)
        let timelineHeight = area.height >= 36 ? 5 : 4
        let (upper, tools) = middle.splitBottom(toolsHeight)
        let (panes, timeline) = upper.splitBottom(timelineHeight)
        let transcriptWidth = panes.width * 55 / 100
        let (transcript, rightOfTranscript) = panes.splitLeft(transcriptWidth)
        let (separator, latency) = rightOfTranscript.splitLeft(1)

        HeaderWidget().render(state, in: header, theme: theme, into: &grid)
        TranscriptWidget().render(state, in: transcript, theme: theme, into: &grid)
        for y in separator.y..<separator.maxY {
            grid.write(y == separator.y ? "┬" : "│", x: separator.x, y: y, limit: 1, fg: .border)
        }
        LatencyWidget().render(state, in: latency, theme: theme, into: &grid)
        TimelineWidget().render(state, in: timeline, theme: theme, into: &grid)
        ToolTraceWidget().render(state, in: tools, theme: theme, into: &grid)
        LevelMeterWidget().render(state, in: meters, theme: theme, into: &grid)
        FooterWidget().render(state, in: footer, theme: theme, into: &grid)
        if state.view.showHelp { HelpOverlay().render(state, in: area, theme: theme, into: &grid) }
    }

    /// Renders `state` into a new grid of the given size.
    public static func grid(for state: CallState, width: Int, height: Int, theme: Theme) -> Grid {
        var grid = Grid(width: width, height: height)
        CallScreenView().render(state, in: grid.area, theme: theme, into: &grid)
        return grid
    }
}
