import RingsideCore

/// Reads the theme file format: `key = value` lines, `#` comments, blank lines ignored.
///
/// Keys: `name`; `colors` (`on` or `none`); `threshold.good` / `threshold.bad` (`500ms`, `1s`);
/// `glyph.STAGE` (one character); and every `ColorRole` (`text`, `header.bar`, `stage.brain`…)
/// whose value is `[FG] [on BG] [bold] [dim] [reverse] [underline]`. Anything wrong is a
/// `LocatedError` naming the file, line and key.
public enum ThemeParser {
    /// Parses `source`. Keys the file leaves out are taken from `base` (the built-in default
    /// unless told otherwise).
    public static func parse(_ source: String, file: String, base: Theme? = Theme.builtinDefault) throws(LocatedError) -> Theme {
        var theme = base ?? Theme(name: "")
        theme.name = Self.stem(of: file)
        theme.usesColor = true
        var seen: [String: Int] = [:]
        var colouredLines: [(line: Int, key: String)] = []

        for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            let here = SourceLocation(file: file, line: lineNumber)
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw LocatedError(here, problem: "expected `key = value`, found \"\(trimmed)\"")
            }
            let key = String(trimmed[..<eq]).trimmingSpaces
            let value = String(trimmed[trimmed.index(after: eq)...]).trimmingSpaces
            if let first = seen[key] {
                throw LocatedError(here, field: key, problem: "is set twice (first on line \(first))")
            }
            seen[key] = lineNumber
            if value.isEmpty { throw LocatedError(here, field: key, problem: "has no value") }

            switch key {
            case "name":
                theme.name = value
            case "colors":
                switch value {
                case "on": theme.usesColor = true
                case "none": theme.usesColor = false
                default: throw LocatedError(here, field: key, problem: "must be `on` or `none`, not \"\(value)\"")
                }
            case "threshold.good":
                theme.goodMs = try milliseconds(value, at: here, key: key)
            case "threshold.bad":
                theme.badMs = try milliseconds(value, at: here, key: key)
            case _ where key.hasPrefix("glyph."):
                let stageName = String(key.dropFirst("glyph.".count))
                guard let stage = LatencyStage(rawValue: stageName) else {
                    throw LocatedError(here, field: key, problem: "names no latency stage",
                                       suggestion: "stages are " + LatencyStage.allCases.map(\.rawValue).joined(separator: ", "))
                }
                guard value.count == 1, let c = value.first, DisplayWidth.of(c) == 1 else {
                    throw LocatedError(here, field: key, problem: "must be one single-width character, not \"\(value)\"")
                }
                theme.glyphs[stage] = c
            default:
                guard let role = ColorRole(rawValue: key) else {
                    throw LocatedError(here, field: key, problem: "is not a theme key",
                                       suggestion: "see themes/default.theme for every key")
                }
                let style = try parseStyle(value, at: here, key: key)
                if style.foreground != .default || style.background != .default { colouredLines.append((lineNumber, key)) }
                theme.styles[role] = style
            }
        }
        if theme.goodMs >= theme.badMs {
            let line = seen["threshold.bad"] ?? seen["threshold.good"] ?? 0
            throw LocatedError(SourceLocation(file: file, line: line), field: "threshold.bad",
                               problem: "must be above threshold.good (\(format(theme.goodMs)) ≥ \(format(theme.badMs)))")
        }
        if !theme.usesColor, let first = colouredLines.first {
            throw LocatedError(SourceLocation(file: file, line: first.line), field: first.key,
                               problem: "uses a colour but this theme says `colors = none`",
                               suggestion: "use only bold, dim, reverse and underline")
        }
        return theme
    }

    /// Parses `[FG] [on BG] [attributes…]`.
    static func parseStyle(_ value: String, at here: SourceLocation, key: String) throws(LocatedError) -> ThemeStyle {
        var style = ThemeStyle()
        var tokens = value.split(separator: " ").map(String.init)[...]
        var sawForeground = false
        while let token = tokens.popFirst() {
            if let (_, attribute) = CellAttributes.named.first(where: { $0.0 == token }) {
                style.attributes.insert(attribute)
            } else if token == "on" {
                guard let name = tokens.popFirst() else {
                    throw LocatedError(here, field: key, problem: "has `on` without a background colour")
                }
                style.background = try color(name, at: here, key: key)
            } else if !sawForeground {
                style.foreground = try color(token, at: here, key: key)
                sawForeground = true
            } else {
                throw LocatedError(here, field: key, problem: "has an unexpected word \"\(token)\"",
                                   suggestion: "write `FG on BG bold`, for example `white on blue bold`")
            }
        }
        return style
    }

    private static func color(_ name: String, at here: SourceLocation, key: String) throws(LocatedError) -> TerminalColor {
        guard let c = TerminalColor(name: name) else {
            throw LocatedError(here, field: key, problem: "\"\(name)\" is not a colour",
                               suggestion: "use default, black, red, green, yellow, blue, magenta, cyan, white, bright-NAME, grey or color0…color255")
        }
        return c
    }

    /// Parses `500`, `500ms`, `1s`, `1.5s` into milliseconds.
    private static func milliseconds(_ value: String, at here: SourceLocation, key: String) throws(LocatedError) -> Double {
        let number: Double?
        if value.hasSuffix("ms") {
            number = Double(value.dropLast(2).trimmingSpaces)
        } else if value.hasSuffix("s") {
            number = Double(value.dropLast(1).trimmingSpaces).map { $0 * 1000 }
        } else {
            number = Double(value)
        }
        guard let ms = number, ms.isFinite, ms > 0 else {
            throw LocatedError(here, field: key, problem: "\"\(value)\" is not a positive duration", suggestion: "write 500ms or 1s")
        }
        return ms
    }

    private static func format(_ ms: Double) -> String { LatencyFormat.milliseconds(ms) }

    private static func stem(of file: String) -> String {
        let last = file.split(separator: "/").last.map(String.init) ?? file
        return last.hasSuffix(".theme") ? String(last.dropLast(6)) : last
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
