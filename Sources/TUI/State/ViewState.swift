/// What the operator has done to the view itself: scrolling, overlays, typing.
/// Lives in `CallState` so the screen stays a pure function of one value.
public struct ViewState: Sendable, Equatable {
    /// Transcript lines scrolled back from the newest (0 = follow the conversation).
    public var scrollOffset = 0
    public var showHelp = false
    /// The line being typed after Tab, or nil when not typing.
    public var input: String?
    /// What the line being typed is for: words to say (Tab), or where to transfer the caller (`x` on a supervise board).
    public var inputPurpose = InputPurpose.say
    /// Quitting during a call asks first.
    public var confirmingQuit = false
    public var micMuted = false
    /// The screen is a softphone to a remote agent (`ringside call`): digits send DTMF, `h` hangs up,
    /// `H` holds; there is no agent here to take over.
    public var softphone = false
    /// The far end is on hold (softphone).
    public var onHold = false
    /// The name of the theme in use, shown in help.
    public var themeName = "default"
    /// Set when the screen replays a recording instead of showing a live call.
    public var replay: ReplayPosition?

    public init() {}
}

/// Where a replay stands: which turn is shown, of how many, and whether its audio is playing.
public struct ReplayPosition: Sendable, Equatable {
    /// Index into the recording's turns (0-based).
    public var index: Int
    public var count: Int
    /// The turn number events carry (the greeting is turn 0).
    public var turnNumber: Int
    public var playing = false
    /// The recording's folder name.
    public var folder: String

    public init(index: Int, count: Int, turnNumber: Int, playing: Bool = false, folder: String = "") {
        self.index = index
        self.count = count
        self.turnNumber = turnNumber
        self.playing = playing
        self.folder = folder
    }
}

/// What a typed line becomes on Enter.
public enum InputPurpose: Sendable, Equatable {
    /// Words for the caller (`OperatorAction.say`).
    case say
    /// A SIP URI to transfer the caller to (`OperatorAction.transfer`).
    case transfer
}
