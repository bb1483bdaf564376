#if canImport(Glibc)
import Glibc
#endif
internal import CNcursesw

/// The only code that touches the terminal: sets ncursesw up, puts `Grid`s on screen by writing
/// only the cells that changed since the last frame, reads keys, and restores the terminal.
///
/// Not thread-safe: create, use and close it on one thread (the `CallScreen` loop's).
public final class CursesScreen {
    private let window: UnsafeMutablePointer<WINDOW>
    private var theme: Theme
    private var previous: Grid?
    private var pairs: [PairKey: Int16] = [:]
    private var colorsAvailable: Bool
    private var closed = false

    private struct PairKey: Hashable {
        var fg: Int16
        var bg: Int16
    }

    /// Takes over the terminal. Throws when standard input or output is not a terminal.
    public init(theme: Theme) throws(TerminalError) {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw TerminalError(problem: "the call screen needs a terminal on standard input and output",
                                suggestion: "run ringside in a terminal, not through a pipe")
        }
        setlocale(LC_ALL, "")
        guard rs_newterm() != nil, let window = rs_stdscr() else {
            throw TerminalError(problem: "ncurses could not open the terminal (TERM=\(Self.term))",
                                suggestion: "set TERM to your terminal type, for example xterm-256color")
        }
        self.window = window
        self.theme = theme
        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        // Home and End differ between terminals (xterm \EOH and \E[H, VT220, screen and tmux \E[1~ and
        // \E[4~, rxvt \E[7~ and \E[8~); one that TERM's terminfo does not list (tmux with TERM=xterm)
        // would be read as Esc and the rest — and Esc leaves the screen.
        for (sequence, key) in [("\u{1B}[1~", rs_key_home()), ("\u{1B}[7~", rs_key_home()), ("\u{1B}[H", rs_key_home()), ("\u{1B}OH", rs_key_home()),
                                ("\u{1B}[4~", rs_key_end()), ("\u{1B}[8~", rs_key_end()), ("\u{1B}[F", rs_key_end()), ("\u{1B}OF", rs_key_end())]
        where key_defined(sequence) == 0 {
            define_key(sequence, key)
        }
        set_escdelay(25)
        curs_set(0)
        colorsAvailable = has_colors()
        if colorsAvailable {
            start_color()
            use_default_colors()
        }
    }

    deinit { close() }

    private static var term: String { getenv("TERM").map { String(cString: $0) } ?? "unset" }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) { (Int(rs_maxx(window)), Int(rs_maxy(window))) }

    /// Switches theme; the next `draw` repaints everything.
    public func setTheme(_ theme: Theme) {
        self.theme = theme
        previous = nil
    }

    /// Forgets the last frame so the next `draw` repaints every cell (after a resize).
    public func invalidate() { previous = nil }

    /// Hands `handle` every key waiting, the first waited for up to `timeoutMs`, until it returns false
    /// (quit). Returns whether any key came.
    func readKeys(timeoutMs: Int32, _ handle: (KeyPress) -> Bool) -> Bool {
        var timeout = timeoutMs
        var any = false
        while let key = readKey(timeoutMs: timeout) {
            timeout = 0
            any = true
            if !handle(key) { break }
        }
        return any
    }

    /// Moves on to the theme after `current` in `themes` and returns it.
    func switchTheme(after current: Theme, in themes: ThemeLibrary) -> Theme {
        let next = themes.next(after: current)
        setTheme(next)
        return next
    }

    /// Rings the terminal's bell (or flashes, where the terminal has no bell).
    public func bell() { beep() }

    /// Puts `grid` on screen, writing only cells that differ from the previous frame.
    public func draw(_ grid: Grid) {
        let full = previous.map { $0.width != grid.width || $0.height != grid.height } ?? true
        if full {
            clearok(window, true)
            werase(window)
        }
        let old = full ? nil : previous
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let cell = grid[x, y]
                let changed = old.map { old in
                    old[x, y] != cell || (x + 1 < grid.width && old[x + 1, y] != grid[x + 1, y] && grid[x + 1, y].isContinuation)
                } ?? true
                if !changed || cell.isContinuation {
                    x += 1
                    continue
                }
                // Write a run of changed cells that share one style in a single call.
                let style = theme.resolve(cell)
                var run = cell.symbol
                let start = x
                x += max(1, cell.width)
                while x < grid.width {
                    let next = grid[x, y]
                    if next.isContinuation { x += 1; continue }
                    let nextChanged = old.map { $0[x, y] != next } ?? true
                    guard nextChanged, theme.resolve(next) == style else { break }
                    run += next.symbol
                    x += max(1, next.width)
                }
                _ = rs_attrset(window, attributes(style.attributes), Int32(pair(for: style)))
                _ = rs_put(window, Int32(y), Int32(start), run)
            }
        }
        _ = rs_attrset(window, 0, 0)
        wrefresh(window)
        previous = grid
    }

    /// Waits up to `timeoutMs` for a key (0 = just look). Returns nil when none came.
    public func readKey(timeoutMs: Int32) -> KeyPress? {
        wtimeout(window, timeoutMs)
        var code: UInt32 = 0
        let result = rs_get_wch(window, &code)
        if result == rs_err() { return nil }
        if result == rs_key_code_yes() {
            switch Int32(code) {
            case rs_key_resize():
                previous = nil
                return .resize
            case rs_key_npage(): return .pageDown
            case rs_key_ppage(): return .pageUp
            case rs_key_up(): return .up
            case rs_key_down(): return .down
            case rs_key_left(): return .left
            case rs_key_right(): return .right
            case rs_key_home(): return .home
            case rs_key_end(): return .end
            case rs_key_backspace(): return .backspace
            case rs_key_enter(): return .enter
            case rs_key_btab(): return .tab
            default: return nil
            }
        }
        return KeyPress(codePoint: code)
    }

    /// Gives the terminal back. Safe to call more than once.
    public func close() {
        guard !closed else { return }
        closed = true
        curs_set(1)
        endwin()
    }

    private func attributes(_ a: CellAttributes) -> Int32 {
        var value: Int32 = 0
        if a.contains(.bold) { value |= rs_attr_bold() }
        if a.contains(.dim) { value |= rs_attr_dim() }
        if a.contains(.reverse) { value |= rs_attr_reverse() }
        if a.contains(.underline) { value |= rs_attr_underline() }
        return value
    }

    /// The colour pair for a style's colours, made on first use; 0 (terminal default) for
    /// colourless themes and terminals.
    private func pair(for style: ThemeStyle) -> Int16 {
        guard colorsAvailable, theme.usesColor else { return 0 }
        let key = PairKey(fg: color(style.foreground), bg: color(style.background))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let existing = pairs[key] { return existing }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < rs_color_pairs() else { return 0 }
        init_pair(next, key.fg, key.bg)
        pairs[key] = next
        return next
    }

    /// A palette index the terminal can show: bright colours fold to base ones on 8-colour
    /// terminals, and anything beyond the palette becomes the default.
    private func color(_ c: TerminalColor) -> Int16 {
        switch c {
        case .default: return -1
        case .indexed(let i):
            let available = Int(rs_colors())
            if i < available { return Int16(i) }
            if i < 16, available >= 8 { return Int16(i - 8) }
            return -1
        }
    }
}

extension CursesScreen {
    /// Takes the terminal for `body` with Ctrl-C caught (the flag tells the loop to end) and gives it
    /// back afterwards, whatever happens. Used by every full-screen loop.
    static func session<T>(theme: Theme, _ body: (CursesScreen, InterruptFlag) -> T) -> Result<T, TerminalError> {
        let interrupt = InterruptFlag()
        interrupt.install()
        defer { interrupt.uninstall() }
        let screen: CursesScreen
        do {
            screen = try CursesScreen(theme: theme)
        } catch {
            return .failure(error)
        }
        defer { screen.close() }
        return .success(body(screen, interrupt))
    }
}
