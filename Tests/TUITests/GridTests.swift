import Testing
@testable import TUI

@Test func wideCharactersTakeTwoCells() {
    var grid = Grid(width: 10, height: 1)
    let used = grid.write("a日本b", x: 0, y: 0)
    #expect(used == 6)
    #expect(grid.lines == ["a日本b"])
    #expect(grid[1, 0].width == 2)
    #expect(grid[2, 0].isContinuation)
    #expect(DisplayWidth.of("a日本b") == 6)
    #expect(DisplayWidth.of("📞") == 2)
    #expect(DisplayWidth.of("é") == 1)
}

@Test func wideCharacterNeverSplitAtTheEdge() {
    var grid = Grid(width: 4, height: 1)
    grid.write("abc日", x: 0, y: 0)
    #expect(grid.lines == ["abc"])
    #expect(grid[3, 0].width == 1)
}

@Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
    var grid = Grid(width: 6, height: 1)
    grid.write("日本語", x: 0, y: 0)
    grid.write("x", x: 1, y: 0)
    #expect(grid.lines == [" x本語"])
    grid.write("y", x: 2, y: 0)
    #expect(grid.lines == [" xy 語"])
}

@Test func truncateAndWrapUseDisplayWidth() {
    #expect(DisplayWidth.truncate("hello world", to: 8) == "hello w…")
    #expect(DisplayWidth.truncate("日本語テキスト", to: 7) == "日本語…")
    #expect(DisplayWidth.truncate("short", to: 8) == "short")
    var text = StyledText("日本語 のテキスト and more")
    text.append(" words", fg: .bad)
    let rows = text.wrapped(to: 10).map { String($0.map(\.character)) }
    #expect(rows == ["日本語", "のテキスト", "and more", "words"])
}

@Test func writeClipsToLimitAndKeepsBackground() {
    var grid = Grid(width: 10, height: 1)
    grid.fill(grid.area, with: Cell(bg: .headerBar))
    grid.write("abcdef", x: 2, y: 0, limit: 3, fg: .bad)
    #expect(grid.lines == ["  abc"])
    #expect(grid[2, 0].bg == .headerBar)
    #expect(grid[2, 0].fg == .bad)
    #expect(grid.roleLine(0) == "ttbbbttttt")
}
