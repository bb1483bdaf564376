import Foundation
import Testing
import TestSupport
import TUI

/// README.md lists every key of every screen: each key the screen's own help shows (`HelpOverlay`, the
/// board's `BoardInput.helpEntries`) is in the first column of the README's table for that screen.
@Suite struct ReadmeKeysTests {
    static let screens: [(title: String, entries: [(String, String)])] = [
        ("The call screen (`talk`, `watch`):", HelpOverlay.entries),
        ("The softphone (`call`):", HelpOverlay.softphoneEntries),
        ("The board (`serve`", BoardInput.helpEntries),
        ("Replay (`replay`):", HelpOverlay.replayEntries),
    ]

    @Test func readmeListsEveryKeyOfEveryScreen() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for screen in Self.screens {
            let keys = try #require(Self.keyColumn(after: screen.title, in: readme), "README.md has no key table after \"\(screen.title)\"")
            for (label, what) in screen.entries {
                for key in Self.keys(in: label) {
                    #expect(keys.contains(key), "README.md's table after \"\(screen.title)\" lacks `\(key)` (\(what))")
                }
            }
        }
    }

    /// The single keys of a help label: "a / d" → a, d; "0-9 * #" → 0-9, *, #.
    static func keys(in label: String) -> [String] {
        label.split(whereSeparator: { $0 == " " || $0 == "/" }).map(String.init)
    }

    /// The code spans in the first column of the table that follows the line starting with `title`.
    static func keyColumn(after title: String, in readme: String) -> Set<String>? {
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title) }) else { return nil }
        let rows = lines[(start + 1)...].drop { $0.isEmpty }.prefix { $0.hasPrefix("|") }
        guard !rows.isEmpty else { return nil }
        var keys = Set<String>()
        for row in rows {
            let cell = row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().first ?? ""
            let spans = cell.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
            keys.formUnion(spans.map { String($0.element) })
        }
        return keys
    }
}
