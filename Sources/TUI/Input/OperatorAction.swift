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
    /// A softphone key: one RFC 4733 digit (0-9, *, #, A-D) to the far end.
    case dtmf(Character)
    /// A softphone key: put the far end on hold, or take it off.
    case setOnHold(Bool)
    /// A supervised call: hang the agent's leg up for good (the operator keeps the caller).
    case dropAgent
    /// A supervised call: transfer the caller to this SIP URI (typed after `x`).
    case transfer(to: String)
    case quit
}
