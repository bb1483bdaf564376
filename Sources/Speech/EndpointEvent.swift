import RingsideCore

/// What the endpoint detector noticed on a frame. Times are on the frames' timeline.
public enum EndpointEvent: Sendable, Equatable {
    /// Speech began at `at` (the first speech frame's start), confirmed a few frames later.
    case speechStarted(at: MediaTime)
    /// Speech paused: `trueEnd` is the end of the last speech frame; `decidedAt` when it was noticed.
    case speechStopped(trueEnd: MediaTime, decidedAt: MediaTime)
    /// The caller's turn is over: `trueEnd` is the real end of speech, `decidedAt` when the window
    /// closed, `rule` which window applied (for reports).
    case endOfTurn(trueEnd: MediaTime, decidedAt: MediaTime, rule: EndOfTurnRule)

    /// The `CallEvent` this becomes for `speaker`, stamped with the decision time.
    public func callEvent(callID: String, turn: Int, speaker: Speaker = .caller) -> CallEvent {
        switch self {
        case let .speechStarted(at):
            return CallEvent(callID: callID, turn: turn, time: at, stage: .vad, payload: .speechStarted(speaker: speaker))
        case let .speechStopped(trueEnd, decidedAt):
            return CallEvent(callID: callID, turn: turn, time: decidedAt, stage: .vad, payload: .speechStopped(speaker: speaker, trueEnd: trueEnd))
        case let .endOfTurn(trueEnd, decidedAt, rule):
            return CallEvent(callID: callID, turn: turn, time: decidedAt, stage: .endpoint, payload: .endOfTurn(trueEnd: trueEnd, rule: rule))
        }
    }
}
