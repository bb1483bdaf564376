/// Where a part of a call publishes its facts without knowing who stamps them: the implementer
/// (the session's event bus) gives each event its call id, turn and time, and redacts it. Parts that
/// emit through this (the agent) never number turns: only the session does.
public protocol CallEventEmitter: Sendable {
    func emit(_ payload: CallEventPayload, stage: Stage)
}
