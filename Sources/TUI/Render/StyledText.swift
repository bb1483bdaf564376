/// Text whose characters carry roles, wrapped to a width for panes like the transcript.
public struct StyledText: Sendable, Equatable {
    /// One character and how to draw it.
    public struct Glyph: Sendable, Equatable {
        public var character: Character
        public var fg: ColorRole
        public var attributes: CellAttributes
    }

    public private(set) var glyphs: [Glyph] = []

    public init() {}

    public init(_ text: String, fg: ColorRole = .text, attributes: CellAttributes = []) {
        append(text, fg: fg, attributes: attributes)
    }

    public mutating func append(_ text: String, fg: ColorRole = .text, attributes: CellAttributes = []) {
        glyphs += text.filter { DisplayWidth.of($0) > 0 }.map { Glyph(character: $0, fg: fg, attributes: attributes) }
    }

    /// Splits into rows of at most `width` columns, breaking after spaces where possible.
    public func wrapped(to width: Int) -> [[Glyph]] {
        guard width > 0 else { return [] }
        var rows: [[Glyph]] = []
        var row: [Glyph] = []
        var used = 0
        var lastSpace: Int?
        for g in glyphs {
            let w = DisplayWidth.of(g.character)
            if used + w > width {
                if let space = lastSpace, space + 1 < row.count || g.character == " " {
                    let carry = Array(row[(space + 1)...])
                    rows.append(Array(row[..<space]))
                    row = carry
                } else {
                    rows.append(row)
                    row = []
                }
                used = row.reduce(0) { $0 + DisplayWidth.of($1.character) }
                lastSpace = nil
                if g.character == " " && row.isEmpty { continue }
            }
            if g.character == " " { lastSpace = row.count }
            row.append(g)
            used += w
        }
        if !row.isEmpty || rows.isEmpty { rows.append(row) }
        return rows
    }
}

extension Grid {
    /// Draws a row of styled glyphs at (x, y), clipped to `limit` columns.
    public mutating func write(_ glyphs: [StyledText.Glyph], x: Int, y: Int, limit: Int) {
        var col = x
        for g in glyphs {
            let used = write(String(g.character), x: col, y: y, limit: x + limit - col, fg: g.fg, attributes: g.attributes)
            if used == 0 { break }
            col += used
        }
    }
}
