extension ToolCallTrace {
    /// The same trace with every free-text field passed through `transform`.
    public func mappingText(_ transform: (String) -> String) -> ToolCallTrace {
        var t = self
        t.arguments = transform(arguments)
        t.result = result.map(transform)
        return t
    }
}

extension CallEventPayload {
    /// The same payload with every piece of spoken or logged text passed through `transform`:
    /// how redaction reaches every consumer of the event stream.
    public func mappingText(_ transform: (String) -> String) -> CallEventPayload {
        switch self {
        case let .partialTranscript(s, text): return .partialTranscript(speaker: s, text: transform(text))
        case let .finalTranscript(s, text, c): return .finalTranscript(speaker: s, text: transform(text), confidence: c)
        case let .brainStarted(input): return .brainStarted(input: transform(input))
        case let .brainDecided(intent, c, path, reply, expects):
            return .brainDecided(intent: intent, confidence: c, path: path, reply: transform(reply), expects: expects)
        case let .toolStarted(t): return .toolStarted(t.mappingText(transform))
        case let .toolFinished(t): return .toolFinished(t.mappingText(transform))
        case let .toolFailed(t, e): return .toolFailed(t.mappingText(transform), error: transform(e))
        case let .approvalRequested(id, tool, args): return .approvalRequested(id: id, tool: tool, arguments: transform(args))
        case let .escalated(summary, target): return .escalated(summary: transform(summary), target: target)
        case let .fragmentJoined(fragment, started): return .fragmentJoined(fragment: transform(fragment), replyStarted: started)
        case let .ttsRequested(text): return .ttsRequested(text: transform(text))
        case let .bargeIn(heard, f): return .bargeIn(heardText: transform(heard), heardFraction: f)
        case let .handback(context): return .handback(context: transform(context))
        case let .error(message): return .error(transform(message))
        case var .finalSource(f):
            f.fallback = f.fallback.map(transform)
            return .finalSource(f)
        case .callStarted, .callEnded, .speechStarted, .speechStopped, .endOfTurn, .approvalDecided,
             .ttsFirstAudio, .ttsFinished, .playoutStarted, .playoutFinished, .takeover, .dtmf, .sipState, .rtpStats, .level:
            return self
        }
    }
}
