/// Something the operator asked the session to do, handed to the app's action callback.
/// The session answers with events (takeover, approvalDecided…), which update the screen.
public enum OperatorAction: Sendable, Equatable {
    case takeOver
    case handBack
    case setMicMuted(Bool)
    case approve(id: String)
    case deny(id: String)
    /// A line typed after Tab: to be spoken (TTS) or sent as the human's words.
    case say(String)
    case quit
}
