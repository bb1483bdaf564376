import Foundation
import RingsideCore

/// The themes the app can cycle through: every `*.theme` file in a folder, or the built-in
/// default when none load. Problems are kept as `LocatedError`s for the app to report.
public struct ThemeLibrary: Sendable {
    public private(set) var themes: [Theme]
    /// Theme files that failed to load; their themes are left out.
    public private(set) var problems: [LocatedError]

    public init(themes: [Theme], problems: [LocatedError] = []) {
        self.themes = themes.isEmpty ? [Theme.builtinDefault] : themes
        self.problems = problems
    }

    /// Loads one theme file.
    public static func load(file path: String) throws(LocatedError) -> Theme {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LocatedError(SourceLocation(file: path), problem: "cannot be read", suggestion: "check the path and permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LocatedError(SourceLocation(file: path), problem: "is not UTF-8 text")
        }
        return try ThemeParser.parse(text, file: path)
    }

    /// Loads a theme file, or falls back to the built-in default and says why.
    public static func loadOrDefault(file path: String) -> (theme: Theme, problem: LocatedError?) {
        do {
            return (try load(file: path), nil)
        } catch {
            return (Theme.builtinDefault, error)
        }
    }

    /// Loads every `*.theme` in `directory`, `default` first, then by name.
    public static func load(directory: String) -> ThemeLibrary {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var themes: [Theme] = []
        var problems: [LocatedError] = []
        for name in names.filter({ $0.hasSuffix(".theme") }).sorted() {
            do {
                themes.append(try load(file: directory + "/" + name))
            } catch {
                problems.append(error)
            }
        }
        themes.sort { ($0.name == "default" ? 0 : 1, $0.name) < ($1.name == "default" ? 0 : 1, $1.name) }
        return ThemeLibrary(themes: themes, problems: problems)
    }

    /// Where the bundled themes are: `RINGSIDE_THEMES`, `./themes`, or `themes` beside or above
    /// the executable (so `.build/debug/ringside` finds the repository's folder).
    public static func defaultDirectory(executable: String = CommandLine.arguments.first ?? "") -> String? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["RINGSIDE_THEMES"] { return env }
        var candidates = [fm.currentDirectoryPath + "/themes"]
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("themes").path)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { path in
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        }
    }

    /// The theme named `name`, if loaded.
    public func theme(named name: String) -> Theme? { themes.first { $0.name == name } }

    /// The theme after `current` in the cycle.
    public func next(after current: Theme) -> Theme {
        guard let i = themes.firstIndex(where: { $0.name == current.name }) else { return themes[0] }
        return themes[(i + 1) % themes.count]
    }
}
