/// A terminal colour as theme files name it: the terminal's default, or a palette index 0…255.
public enum TerminalColor: Sendable, Hashable, CustomStringConvertible {
    case `default`
    case indexed(Int)

    /// The eight base names; `bright-NAME` adds 8.
    static let baseNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, a base name, `bright-NAME`, `grey`/`gray`, or `colorN` (0…255).
    public init?(name: String) {
        let n = name.lowercased()
        if n == "default" { self = .default; return }
        if n == "grey" || n == "gray" { self = .indexed(8); return }
        if let i = Self.baseNames.firstIndex(of: n) { self = .indexed(i); return }
        if n.hasPrefix("bright-"), let i = Self.baseNames.firstIndex(of: String(n.dropFirst(7))) { self = .indexed(i + 8); return }
        if n.hasPrefix("color"), let i = Int(n.dropFirst(5)), (0...255).contains(i) { self = .indexed(i); return }
        return nil
    }

    public var description: String {
        switch self {
        case .default: return "default"
        case .indexed(let i) where i < 8: return Self.baseNames[i]
        case .indexed(let i) where i < 16: return "bright-" + Self.baseNames[i - 8]
        case .indexed(let i): return "color\(i)"
        }
    }
}
