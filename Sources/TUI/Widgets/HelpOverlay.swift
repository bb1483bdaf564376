/// The `?` box listing every key, drawn over the middle of the screen.
public struct HelpOverlay: Widget {
    public init() {}

    /// Every key and what it does, in the order the box lists them.
    public static let entries: [(String, String)] = [
        ("t", "take over the call / hand back to the agent"),
        ("m", "mute / unmute your microphone"),
        ("Tab", "type a line to say (Enter sends, Esc cancels)"),
        ("a / d", "approve / deny the highlighted tool request"),
        ("PgUp / PgDn", "scroll the transcript"),
        ("T", "cycle the theme"),
        ("?", "show / hide this help"),
        ("q", "quit (asks first during a call)"),
    ]

    /// The keys of the softphone (`ringside call`).
    public static let softphoneEntries: [(String, String)] = [
        ("0-9 * #", "send a DTMF digit (RFC 4733)"),
        ("X", "hang up (Shift-x)"),
        ("H", "put the agent on hold / resume"),
        ("m", "mute / unmute your microphone"),
        ("PgUp / PgDn", "scroll the transcript"),
        ("T", "cycle the theme"),
        ("?", "show / hide this help"),
        ("q", "quit (asks first during a call)"),
    ]

    /// The keys while replaying a recording.
    public static let replayEntries: [(String, String)] = [
        ("→ / n", "next turn"),
        ("← / p", "previous turn"),
        ("Home / End", "first / last turn"),
        ("Space / Enter", "play this turn's audio / stop"),
        ("PgUp / PgDn", "scroll the transcript"),
        ("T", "cycle the theme"),
        ("?", "show / hide this help"),
        ("q", "quit"),
    ]

    public func render(_ state: CallState, in area: Rect, theme: Theme, into grid: inout Grid) {
        let entries = state.view.replay != nil ? Self.replayEntries : (state.view.softphone ? Self.softphoneEntries : Self.entries)
        Self.draw(entries, in: area, theme: theme, into: &grid)
    }

    /// Draws a box listing `entries` (key, what it does) over the middle of `area`.
    static func draw(_ entries: [(String, String)], in area: Rect, theme: Theme, into grid: inout Grid) {
        let keyWidth = entries.map { DisplayWidth.of($0.0) }.max() ?? 0
        let textWidth = entries.map { DisplayWidth.of($0.1) }.max() ?? 0
        let width = min(area.width, keyWidth + textWidth + 7)
        let height = min(area.height, entries.count + 4)
        guard width > 10, height > 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box, with: Cell(fg: .overlay, bg: .overlayBar))
        grid.write("┌" + String(repeating: "─", count: width - 2) + "┐", x: box.x, y: box.y, limit: width, fg: .border)
        grid.write("└" + String(repeating: "─", count: width - 2) + "┘", x: box.x, y: box.maxY - 1, limit: width, fg: .border)
        for y in (box.y + 1)..<(box.maxY - 1) {
            grid.write("│", x: box.x, y: y, limit: 1, fg: .border)
            grid.write("│", x: box.maxX - 1, y: y, limit: 1, fg: .border)
        }
        grid.write(" Keys ", x: box.x + 2, y: box.y, limit: width - 4, fg: .title)
        let footer = " theme: \(theme.name) · ? closes "
        grid.write(footer, x: box.maxX - 2 - DisplayWidth.of(footer), y: box.maxY - 1, limit: width - 4, fg: .muted)
        for (i, entry) in entries.enumerated() where box.y + 2 + i < box.maxY - 1 {
            let y = box.y + 2 + i
            grid.write(entry.0, x: box.x + 2, y: y, limit: keyWidth, fg: .key)
            grid.write(entry.1, x: box.x + 4 + keyWidth, y: y, limit: width - keyWidth - 6, fg: .overlay)
        }
    }
}
