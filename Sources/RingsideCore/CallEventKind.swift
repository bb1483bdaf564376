/// The kind of fact a `CallEventPayload` states, without its fields: for counting and filtering
/// events, and for checking that every kind is covered (redaction, encoding).
public enum CallEventKind: String, Sendable, CaseIterable, Codable {
    case callStarted, callEnded, speechStarted, speechStopped, endOfTurn, partialTranscript, finalTranscript, finalSource
    case brainStarted, brainDecided, toolStarted, toolFinished, toolFailed, approvalRequested, approvalDecided, escalated
    case ttsRequested, ttsFirstAudio, ttsFinished, playoutStarted, playoutFinished, farEndHeard, fragmentJoined, speculation, bargeIn
    case takeover, handback, contextPassedOn, dtmf, sipState, rtpStats, level, error
}

extension CallEventPayload {
    /// Which kind of fact this is.
    public var kind: CallEventKind {
        switch self {
        case .callStarted: return .callStarted
        case .callEnded: return .callEnded
        case .speechStarted: return .speechStarted
        case .speechStopped: return .speechStopped
        case .endOfTurn: return .endOfTurn
        case .partialTranscript: return .partialTranscript
        case .finalTranscript: return .finalTranscript
        case .finalSource: return .finalSource
        case .brainStarted: return .brainStarted
        case .brainDecided: return .brainDecided
        case .toolStarted: return .toolStarted
        case .toolFinished: return .toolFinished
        case .toolFailed: return .toolFailed
        case .approvalRequested: return .approvalRequested
        case .approvalDecided: return .approvalDecided
        case .escalated: return .escalated
        case .ttsRequested: return .ttsRequested
        case .ttsFirstAudio: return .ttsFirstAudio
        case .ttsFinished: return .ttsFinished
        case .playoutStarted: return .playoutStarted
        case .playoutFinished: return .playoutFinished
        case .farEndHeard: return .farEndHeard
        case .fragmentJoined: return .fragmentJoined
        case .speculation: return .speculation
        case .bargeIn: return .bargeIn
        case .takeover: return .takeover
        case .handback: return .handback
        case .contextPassedOn: return .contextPassedOn
        case .dtmf: return .dtmf
        case .sipState: return .sipState
        case .rtpStats: return .rtpStats
        case .level: return .level
        case .error: return .error
        }
    }
}
