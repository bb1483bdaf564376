import RingsideCore

/// Colours, attributes, bar glyphs and latency thresholds for the screen, loaded from a
/// `themes/*.theme` file (see `ThemeParser`) or built in.
public struct Theme: Sendable, Equatable {
    public var name: String
    /// False for themes that must not use colour at all (mono): the backend sets up no pairs.
    public var usesColor: Bool
    public var styles: [ColorRole: ThemeStyle]
    /// Voice-to-voice at or under this is good.
    public var goodMs: Double
    /// Voice-to-voice at or over this is bad; between is a warning.
    public var badMs: Double
    /// The character each latency stage's bar segment is drawn with.
    public var glyphs: [LatencyStage: Character]

    public init(name: String, usesColor: Bool = true, styles: [ColorRole: ThemeStyle] = [:], goodMs: Double = 500,
                badMs: Double = 1000, glyphs: [LatencyStage: Character] = [:]) {
        self.name = name
        self.usesColor = usesColor
        self.styles = styles
        self.goodMs = goodMs
        self.badMs = badMs
        self.glyphs = glyphs
    }

    public func style(_ role: ColorRole) -> ThemeStyle { styles[role] ?? ThemeStyle() }

    public func glyph(_ stage: LatencyStage) -> Character { glyphs[stage] ?? "█" }

    /// The role that grades a latency: good, warn or bad.
    public func grade(_ ms: Double) -> ColorRole {
        if ms <= goodMs { return .good }
        if ms >= badMs { return .bad }
        return .warn
    }

    /// What the terminal should show for a cell: foreground from its fg role, background from
    /// its bg role, attributes from the cell and both roles. Colourless themes keep defaults.
    public func resolve(_ cell: Cell) -> ThemeStyle {
        let fg = style(cell.fg)
        let bg = style(cell.bg)
        let attributes = cell.attributes.union(fg.attributes).union(bg.attributes)
        guard usesColor else { return ThemeStyle(attributes: attributes) }
        return ThemeStyle(foreground: fg.foreground, background: bg.background, attributes: attributes)
    }

    /// The built-in dark theme: the app's fallback when a theme file is missing or wrong.
    public static let builtinDefault: Theme = {
        (try? ThemeParser.parse(BuiltinTheme.defaultSource, file: "<built-in default>", base: nil)) ?? Theme(name: "default")
    }()
}
