/// A key as the terminal delivered it, before it means anything.
public enum KeyPress: Sendable, Equatable {
    case character(Character)
    case tab
    case enter
    case escape
    case backspace
    case pageUp
    case pageDown
    case up
    case down
    case left
    case right
    case home
    case end
    /// The terminal changed size.
    case resize

    /// Decodes a plain (non-function-key) code point the way terminals send control keys.
    public init?(codePoint: UInt32) {
        switch codePoint {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(codePoint) else { return nil }
            self = .character(Character(scalar))
        }
    }
}
