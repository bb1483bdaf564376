import Foundation
import RingsideCore
import Testing
@testable import TUI

@Test(arguments: ["default", "light", "mono"])
func bundledThemeLoads(name: String) throws {
    let theme = try ThemeLibrary.load(file: themesDirectory + "/\(name).theme")
    #expect(theme.name == name)
    #expect(theme.goodMs == 500)
    #expect(theme.badMs == 1000)
    #expect(theme.usesColor == (name != "mono"))
    // Every role is spelled out in every bundled theme, so none silently inherits.
    let source = try String(contentsOfFile: themesDirectory + "/\(name).theme", encoding: .utf8)
    for role in ColorRole.allCases {
        #expect(source.contains("\n\(role.rawValue) = "), "\(name).theme lacks \(role.rawValue)")
    }
}

@Test func libraryLoadsAllThemesDefaultFirst() {
    let library = ThemeLibrary.load(directory: themesDirectory)
    #expect(library.problems.isEmpty)
    #expect(library.themes.map(\.name) == ["default", "light", "mono"])
    #expect(library.next(after: library.themes[2]).name == "default")
}

@Test func builtInDefaultMatchesTheFile() throws {
    let file = try ThemeLibrary.load(file: themesDirectory + "/default.theme")
    #expect(file.styles == Theme.builtinDefault.styles)
    #expect(file.glyphs == Theme.builtinDefault.glyphs)
    #expect(Theme.builtinDefault.styles.count == ColorRole.allCases.count)
}

private func parseError(_ source: String) -> LocatedError? {
    do {
        _ = try ThemeParser.parse(source, file: "themes/bad.theme")
        return nil
    } catch {
        return error
    }
}

@Test func unknownKeyNamesFileLineAndKey() throws {
    let error = try #require(parseError("name = bad\n# fine\ntext = white\nheadr = red\n"))
    #expect(error.location == SourceLocation(file: "themes/bad.theme", line: 4))
    #expect(error.field == "headr")
    #expect(error.description.hasPrefix("themes/bad.theme:4: headr: is not a theme key"))
}

@Test func badColourNamesTheColour() throws {
    let error = try #require(parseError("text = white\nbad = purpel bold\n"))
    #expect(error.location.line == 2)
    #expect(error.problem == "\"purpel\" is not a colour")
}

@Test func badThresholds() throws {
    let notANumber = try #require(parseError("threshold.good = fast\n"))
    #expect(notANumber.location.line == 1)
    #expect(notANumber.field == "threshold.good")
    let inverted = try #require(parseError("threshold.good = 2s\nthreshold.bad = 900ms\n"))
    #expect(inverted.location.line == 2)
    #expect(inverted.problem.contains("above threshold.good"))
}

@Test func otherMistakes() throws {
    #expect(try #require(parseError("text white\n")).problem.contains("expected `key = value`"))
    #expect(try #require(parseError("text = red\ntext = blue\n")).problem == "is set twice (first on line 1)")
    #expect(try #require(parseError("colors = none\nbad = red\n")).location.line == 2)
    #expect(try #require(parseError("glyph.brain = ab\n")).field == "glyph.brain")
    #expect(try #require(parseError("glyph.lunch = x\n")).problem == "names no latency stage")
    #expect(try #require(parseError("header.bar = white on\n")).problem.contains("without a background"))
}

@Test func badFileFallsBackToDefault() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-theme-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "name = broken\ntext = nocolour\n".write(toFile: dir + "/broken.theme", atomically: true, encoding: .utf8)

    let (theme, problem) = ThemeLibrary.loadOrDefault(file: dir + "/broken.theme")
    #expect(theme == Theme.builtinDefault)
    #expect(problem?.location == SourceLocation(file: dir + "/broken.theme", line: 2))

    let library = ThemeLibrary.load(directory: dir)
    #expect(library.themes == [Theme.builtinDefault])
    #expect(library.problems.count == 1)

    let (missing, why) = ThemeLibrary.loadOrDefault(file: dir + "/nope.theme")
    #expect(missing.name == "default")
    #expect(why?.problem == "cannot be read")
}

/// How each theme draws a few telling cells of the latency pane and the approval row.
private func styleSnapshot(_ theme: Theme) -> [String] {
    let latency = render(LatencyWidget(), latencyState(), width: 44, height: 6, theme: theme)
    let tools = render(ToolTraceWidget(), toolState(), width: 72, height: 5, theme: theme)
    let header = render(HeaderWidget(), demoState(), width: 80, height: 2, theme: theme)
    let transcript = render(TranscriptWidget(), conversationState(), width: 40, height: 7, theme: theme)
    return [
        "header  " + theme.resolve(header[3, 0]).description,
        "brain   " + theme.resolve(latency[18, 2]).description + " \(latency[18, 2].symbol)",
        "tools   " + theme.resolve(latency[24, 2]).description + " \(latency[24, 2].symbol)",
        "warn    " + theme.resolve(latency[40, 2]).description,
        "good    " + theme.resolve(latency[40, 3]).description,
        "approve " + theme.resolve(tools[2, 1]).description,
        "failed  " + theme.resolve(tools[0, 3]).description,
        "partial " + theme.resolve(transcript[8, 5]).description,
        "cut-off " + theme.resolve(transcript[30, 3]).description,
    ]
}

@Test func eachThemeColoursTheSameCellsDifferently() throws {
    let library = ThemeLibrary.load(directory: themesDirectory)
    let themes = try ["default", "light", "mono"].map { try #require(library.theme(named: $0)) }
    #expect(styleSnapshot(themes[0]) == [
        "header  bright-white on blue bold",
        "brain   magenta on default plain █",
        "tools   yellow on default plain █",
        "warn    bright-yellow on default plain",
        "good    bright-green on default plain",
        "approve bright-yellow on color52 bold",
        "failed  bright-red on default bold",
        "partial bright-black on default dim",
        "cut-off red on default dim",
    ])
    #expect(styleSnapshot(themes[1]) == [
        "header  white on blue bold",
        "brain   magenta on default plain █",
        "tools   color130 on default plain █",
        "warn    color130 on default plain",
        "good    green on default plain",
        "approve black on color229 bold",
        "failed  red on default bold",
        "partial color244 on default plain",
        "cut-off red on default plain",
    ])
    // Mono: no colour anywhere, attributes carry the meaning, stages differ by glyph.
    #expect(styleSnapshot(themes[2]) == [
        "header  default on default bold+reverse",
        "brain   default on default plain ▓",
        "tools   default on default plain █",
        "warn    default on default underline",
        "good    default on default plain",
        "approve default on default bold+reverse",
        "failed  default on default bold+reverse",
        "partial default on default dim",
        "cut-off default on default dim+underline",
    ])
}
