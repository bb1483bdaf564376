/// A width × height buffer of cells that widgets draw into and the backend puts on screen.
///
/// Tests compare `lines` (the text) and `roleLine(_:)` (the roles) against golden strings.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * width + x] : .blank }
        set { if contains(x, y) { cells[y * width + x] = newValue } }
    }

    public func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Paints every cell of `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        for y in max(0, rect.y)..<min(height, rect.maxY) where rect.x < width {
            for x in max(0, rect.x)..<min(width, rect.maxX) { self[x, y] = cell }
        }
    }

    /// Sets the background role of every cell in `rect`, keeping what is drawn there.
    public mutating func paintBackground(_ rect: Rect, _ role: ColorRole) {
        for y in max(0, rect.y)..<min(height, rect.maxY) where rect.x < width {
            for x in max(0, rect.x)..<min(width, rect.maxX) { cells[y * width + x].bg = role }
        }
    }

    /// Writes `text` starting at (x, y), clipped to `limit` columns (default: to the grid's edge).
    /// `bg` nil keeps each cell's background. Returns the columns used.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, limit: Int? = nil, fg: ColorRole = .text,
                               bg: ColorRole? = nil, attributes: CellAttributes = []) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x + (limit ?? width))
        var col = x
        for c in text {
            let w = DisplayWidth.of(c)
            if w == 0 { continue }
            if col + w > end {
                // A wide character that does not fit leaves a blank, never half a glyph.
                if col < end { put(Cell(symbol: " ", width: 1, fg: fg, bg: bg ?? self[col, y].bg, attributes: attributes), x: col, y: y) }
                break
            }
            if col >= 0 {
                put(Cell(symbol: String(c), width: w, fg: fg, bg: bg ?? self[col, y].bg, attributes: attributes), x: col, y: y)
            }
            col += w
        }
        return max(0, col - x)
    }

    /// Repeats one character across `count` columns.
    @discardableResult
    public mutating func repeatChar(_ c: Character, x: Int, y: Int, count: Int, fg: ColorRole = .text,
                                    bg: ColorRole? = nil, attributes: CellAttributes = []) -> Int {
        guard count > 0 else { return 0 }
        return write(String(repeating: String(c), count: count), x: x, y: y, limit: count, fg: fg, bg: bg, attributes: attributes)
    }

    /// Places one cell, keeping wide characters whole: overwriting either half of one blanks the other.
    private mutating func put(_ cell: Cell, x: Int, y: Int) {
        guard contains(x, y) else { return }
        let old = self[x, y]
        if old.isContinuation, x > 0 { cells[y * width + x - 1].symbol = " "; cells[y * width + x - 1].width = 1 }
        if old.width == 2, x + 1 < width { cells[y * width + x + 1].symbol = " "; cells[y * width + x + 1].width = 1 }
        self[x, y] = cell
        if cell.width == 2 {
            if x + 1 < width {
                var cont = cell
                cont.symbol = ""
                cont.width = 0
                let right = self[x + 1, y]
                if right.width == 2, x + 2 < width { cells[y * width + x + 2].symbol = " "; cells[y * width + x + 2].width = 1 }
                self[x + 1, y] = cont
            } else {
                self[x, y].symbol = " "
                self[x, y].width = 1
            }
        }
    }

    /// The text of each row, trailing spaces removed.
    public var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width { s += self[x, y].symbol }
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
    }

    /// The whole grid as text, one row per line.
    public var text: String { lines.joined(separator: "\n") }

    /// One row's foreground roles as single letters (see `ColorRole.code`), for style snapshots.
    public func roleLine(_ y: Int) -> String {
        (0..<width).map { self[$0, y].fg.code }.joined()
    }
}
