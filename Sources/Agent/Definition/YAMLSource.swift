import RingsideCore
import Yams

/// Composes the YAML of agent and scenario files into nodes, turning every parser complaint into a
/// one-line `LocatedError`, and finds places inside the text that the parser's marks do not reach.
public enum YAMLSource {
    /// The document's root node, nil for an empty document.
    public static func compose(_ text: String, file: String) throws(LocatedError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw located(error, text: text, file: file)
        } catch {
            throw LocatedError(SourceLocation(file: file), problem: "not valid YAML: \(error)")
        }
    }

    private static func located(_ error: YamlError, text: String, file: String) -> LocatedError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return LocatedError(SourceLocation(file: file, line: mark.line, column: mark.column), problem: "YAML syntax error: \(problem)",
                                suggestion: "check indentation, colons and quotes around this point")
        case .duplicatedKeysInMapping(let keys, let context):
            let first = context.mark
            let key = keys.first ?? "?"
            let repeated = repeatedKey(key, firstAt: first, in: text) ?? (first.line, first.column)
            return LocatedError(SourceLocation(file: file, line: repeated.line, column: repeated.column), problem: "duplicate key \"\(key)\"",
                                suggestion: "first at line \(first.line)")
        case .dataCouldNotBeDecoded:
            return LocatedError(SourceLocation(file: file), problem: "the file is not UTF-8 text")
        default:
            return LocatedError(SourceLocation(file: file), problem: "YAML error: \(error)")
        }
    }

    /// A line and column in the text, 1-based, columns counted in Unicode scalars as the parser does.
    typealias Position = (line: Int, column: Int)

    /// Where `key` occurs again after its first occurrence at `first`. The parser only reports the
    /// first one, so that one is renamed and the text composed again: the key left in the renamed
    /// key's mapping is the repeat. Other keys repeated in the same mapping are renamed in turn.
    private static func repeatedKey(_ key: String, firstAt first: Mark, in text: String) -> Position? {
        var text = text
        guard let range = keyRange(at: (first.line, first.column), key: key, in: text) else { return nil }
        let firstStandIn = standIn(for: key, number: 0)
        text.replaceSubrange(range, with: firstStandIn)
        for renamed in 1..<16 {
            do {
                guard let root = try Yams.compose(yaml: text), let mapping = mapping(holding: firstStandIn, in: root),
                      let mark = mapping.first(where: { $0.key.string == key })?.key.mark else { return nil }
                return (mark.line, mark.column)
            } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
                // Only the mapping that failed before can fail now: it still repeats a key.
                if keys.first == key { return (context.mark.line, context.mark.column) }
                guard let other = keys.first, let next = keyRange(at: (context.mark.line, context.mark.column), key: other, in: text) else { return nil }
                text.replaceSubrange(next, with: standIn(for: other, number: renamed))
            } catch {
                return nil
            }
        }
        return nil
    }

    /// A key no file uses, as long as `key` in Unicode scalars so that later columns on its line stay put.
    private static func standIn(for key: String, number: Int) -> String {
        let scalar = Unicode.Scalar(0xE000 + UInt32(number)) ?? "\u{E000}"
        return String(String.UnicodeScalarView(repeatElement(scalar, count: key.unicodeScalars.count)))
    }

    /// The range of `key`'s text (inside its quotes, if quoted) at `position`.
    private static func keyRange(at position: Position, key: String, in text: String) -> Range<String.Index>? {
        guard var from = index(of: position, in: text) else { return nil }
        if text[from...].first == "\"" || text[from...].first == "'" { from = text.index(after: from) }
        guard text[from...].hasPrefix(key), let end = text.index(from, offsetBy: key.count, limitedBy: text.endIndex) else { return nil }
        return from..<end
    }

    private static func mapping(holding key: String, in node: Node) -> Node.Mapping? {
        if let mapping = node.mapping {
            if mapping.contains(where: { $0.key.string == key }) { return mapping }
            for pair in mapping { if let found = self.mapping(holding: key, in: pair.value) { return found } }
        } else if let sequence = node.sequence {
            for item in sequence { if let found = mapping(holding: key, in: item) { return found } }
        }
        return nil
    }

    /// The index of a position in `text`.
    private static func index(of position: Position, in text: String) -> String.Index? {
        let scalars = text.unicodeScalars
        var lineStart = scalars.startIndex
        var line = 1
        var i = scalars.startIndex
        while line < position.line {
            guard i < scalars.endIndex else { return nil }
            if scalars[i] == "\n" { line += 1; lineStart = scalars.index(after: i) }
            i = scalars.index(after: i)
        }
        guard position.column >= 1 else { return nil }
        return scalars.index(lineStart, offsetBy: position.column - 1, limitedBy: scalars.endIndex)
    }

    /// Where the `occurrence`-th (0-based) `character` at or after `mark` is: finds a brace inside a
    /// scalar, whose node mark points at the scalar's start (its opening quote, when quoted).
    static func position(of character: Unicode.Scalar, occurrence: Int, after mark: Mark, in text: String) -> Position? {
        guard let start = index(of: (mark.line, mark.column), in: text) else { return nil }
        var line = mark.line, column = mark.column
        var seen = 0
        for scalar in text.unicodeScalars[start...] {
            if scalar == character {
                if seen == occurrence { return (line, column) }
                seen += 1
            }
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return nil
    }
}
