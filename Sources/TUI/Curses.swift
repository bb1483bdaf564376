internal import CNcursesw

/// The ncursesw library as the TUI backend sees it.
public enum Curses {
    public static var version: String { String(cString: rs_curses_version()) }
}
