extension ToolCallTrace {
    /// The same trace with its arguments and result passed through `transform` (tool and invocation are names).
    public func mappingText(_ transform: (String) -> String) -> ToolCallTrace {
        ToolCallTrace(invocation: invocation, tool: tool, arguments: transform(arguments), attempt: attempt,
                      result: result.map(transform), durationMs: durationMs)
    }
}

extension CallEventPayload {
    /// The same payload with every free text passed through `transform`: the one redaction rule of the
    /// event model, used by every writer (the bus, the agent's tracer, the recorder, reports).
    ///
    /// Free text is anything that can carry what someone said or what a system returned: speech,
    /// replies, reasons, errors, tool arguments and results, addresses. Names that come from the agent's
    /// definition or the code (agent, tool, intent, invocation id, operator, codec, engine) are kept.
    /// The switch is exhaustive and binds every field, so a new case or field does not compile until
    /// it is given its rule here.
    public func mappingText(_ transform: (String) -> String) -> CallEventPayload {
        switch self {
        case let .callStarted(agent, transport): return .callStarted(agent: agent, transport: transform(transport))
        case let .callEnded(reason): return .callEnded(reason: transform(reason))
        case let .speechStarted(speaker): return .speechStarted(speaker: speaker)
        case let .speechStopped(speaker, trueEnd): return .speechStopped(speaker: speaker, trueEnd: trueEnd)
        case let .endOfTurn(trueEnd, rule): return .endOfTurn(trueEnd: trueEnd, rule: rule)
        case let .partialTranscript(s, text): return .partialTranscript(speaker: s, text: transform(text))
        case let .finalTranscript(s, text, c): return .finalTranscript(speaker: s, text: transform(text), confidence: c)
        case let .finalSource(f):
            return .finalSource(FinalSource(speaker: f.speaker, engine: f.engine, speculative: f.speculative, waitMs: f.waitMs, fallback: f.fallback.map(transform), unclear: f.unclear))
        case let .brainStarted(input): return .brainStarted(input: transform(input))
        case let .brainDecided(intent, c, path, reply, expects):
            return .brainDecided(intent: intent, confidence: c, path: AnswerPath(path.answerer, hybrid: path.hybrid, reason: transform(path.reason)),
                                 reply: transform(reply), expects: expects)
        case let .toolStarted(t): return .toolStarted(t.mappingText(transform))
        case let .toolFinished(t): return .toolFinished(t.mappingText(transform))
        case let .toolFailed(t, e): return .toolFailed(t.mappingText(transform), error: transform(e))
        case let .approvalRequested(id, tool, args): return .approvalRequested(id: id, tool: tool, arguments: transform(args))
        case let .approvalDecided(id, approved, by): return .approvalDecided(id: id, approved: approved, by: by)
        case let .escalated(summary, target): return .escalated(summary: transform(summary), target: target.map(transform))
        case let .ttsRequested(text): return .ttsRequested(text: transform(text))
        case .ttsFirstAudio: return .ttsFirstAudio
        case .ttsFinished: return .ttsFinished
        case .playoutStarted: return .playoutStarted
        case let .playoutFinished(fraction): return .playoutFinished(heardFraction: fraction)
        case let .farEndHeard(text): return .farEndHeard(text: transform(text))
        case let .fragmentJoined(fragment, started): return .fragmentJoined(fragment: transform(fragment), replyStarted: started)
        case let .speculation(o):
            return .speculation(SpeculationOutcome(held: o.held, cancelled: o.cancelled, text: transform(o.text), miss: o.miss.map(transform)))
        case let .bargeIn(heard, f): return .bargeIn(heardText: transform(heard), heardFraction: f)
        case let .takeover(by): return .takeover(by: by)
        case let .handback(context): return .handback(context: transform(context))
        case let .contextPassedOn(context): return .contextPassedOn(context: transform(context))
        case let .dtmf(digit): return .dtmf(digit: digit)
        case let .sipState(state): return .sipState(state.mappingText(transform))
        case let .rtpStats(stats): return .rtpStats(stats)
        case let .level(speaker, rms, peak): return .level(speaker: speaker, rms: rms, peak: peak)
        case let .error(message): return .error(transform(message))
        }
    }
}

extension CallEvent {
    /// The same event with its payload's free text passed through `transform` (see `CallEventPayload.mappingText`).
    public func mappingText(_ transform: (String) -> String) -> CallEvent {
        CallEvent(callID: callID, turn: turn, time: time, stage: stage, payload: payload.mappingText(transform))
    }
}
