/// One terminal cell: what is drawn there and in which roles.
///
/// A wide character (CJK, emoji) lives in its first cell with `width` 2; the cell to its right
/// is a continuation with an empty symbol that the backend skips.
public struct Cell: Sendable, Equatable {
    public var symbol: String
    public var width: Int
    public var fg: ColorRole
    public var bg: ColorRole
    public var attributes: CellAttributes

    public init(symbol: String = " ", width: Int = 1, fg: ColorRole = .text, bg: ColorRole = .background, attributes: CellAttributes = []) {
        self.symbol = symbol
        self.width = width
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    public static let blank = Cell()

    /// Whether this cell is the right half of a wide character.
    public var isContinuation: Bool { width == 0 }
}
