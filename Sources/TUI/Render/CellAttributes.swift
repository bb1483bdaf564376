/// Text attributes a cell or a theme role can carry; the backend maps them to `A_*`.
public struct CellAttributes: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1 << 0)
    public static let dim = CellAttributes(rawValue: 1 << 1)
    public static let reverse = CellAttributes(rawValue: 1 << 2)
    public static let underline = CellAttributes(rawValue: 1 << 3)

    /// Names as theme files spell them, in a fixed order.
    public static let named: [(String, CellAttributes)] = [("bold", .bold), ("dim", .dim), ("reverse", .reverse), ("underline", .underline)]

    public var description: String {
        let names = Self.named.filter { contains($0.1) }.map(\.0)
        return names.isEmpty ? "plain" : names.joined(separator: "+")
    }
}
