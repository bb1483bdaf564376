/// Something a person (or a test) asks of a running call, from the keyboard or a script.
public enum SessionCommand: Sendable, Equatable {
    /// A human operator takes over; the agent stops answering.
    case takeOver(operatorName: String)
    /// The operator hands the call back to the agent.
    case handBack
    /// Someone in front of this call (`ringside supervise`) held the agent while a person took the
    /// call over, and hands it back with what was said meanwhile: one "caller: …" or "operator: …"
    /// line each (a SIP MESSAGE in the call's dialog).
    case handedBack(context: String)
    /// The same lines from someone in front of this call that had not held it (no takeover here):
    /// information for the agent, which does not resume or speak for it.
    case contextPassedOn(String)
    case setMuted(Bool)
    case toggleMute
    case approve(id: String)
    case deny(id: String)
    /// Typed text instead of speech: the caller's words in `talk`, the operator's (spoken by TTS) during a takeover.
    case typed(String)
    case hangUp
    /// Ends the call on the agent's side: whatever is playing stops, the agent says `farewell` (nil:
    /// nothing) and the call ends with `reason` once it has been heard (serve shutting down).
    case endCall(farewell: String?, reason: String)
}
