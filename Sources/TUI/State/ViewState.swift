/// What the operator has done to the view itself: scrolling, overlays, typing.
/// Lives in `CallState` so the screen stays a pure function of one value.
public struct ViewState: Sendable, Equatable {
    /// Transcript lines scrolled back from the newest (0 = follow the conversation).
    public var scrollOffset = 0
    public var showHelp = false
    /// The line being typed after Tab, or nil when not typing.
    public var input: String?
    /// Quitting during a call asks first.
    public var confirmingQuit = false
    public var micMuted = false
    /// The name of the theme in use, shown in help.
    public var themeName = "default"

    public init() {}
}
