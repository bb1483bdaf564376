/// How a theme draws one colour role: a foreground, a background and attributes.
public struct ThemeStyle: Sendable, Hashable, CustomStringConvertible {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: CellAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default, attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public var description: String { "\(foreground) on \(background) \(attributes)" }
}
