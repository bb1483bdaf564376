/// How many terminal columns text takes. Kept simple on purpose: East Asian wide ranges and
/// emoji are 2, control characters 0, everything else 1.
public enum DisplayWidth {
    /// Columns one character takes.
    public static func of(_ c: Character) -> Int {
        guard let first = c.unicodeScalars.first else { return 0 }
        let v = first.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if first.properties.isEmojiPresentation { return 2 }
        if c.unicodeScalars.contains(where: { $0.value == 0xFE0F }) && first.properties.isEmoji && v > 0xFF { return 2 }
        for range in wideRanges where range.contains(v) { return 2 }
        return 1
    }

    /// Columns a string takes.
    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// `s` cut to at most `width` columns, ending in `…` when something was cut.
    public static func truncate(_ s: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// Splits text into lines of at most `width` columns, breaking at spaces where it can.
    public static func wrap(_ s: String, to width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            let w = of(String(word))
            let sep = line.isEmpty ? 0 : 1
            if used + sep + w <= width {
                if sep == 1 { line += " " }
                line += word
                used += sep + w
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            used = 0
            // A word longer than a line is broken by columns.
            for c in word {
                let cw = of(c)
                if used + cw > width {
                    lines.append(line)
                    line = ""
                    used = 0
                }
                line.append(c)
                used += cw
            }
        }
        lines.append(line)
        return lines
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]
}
