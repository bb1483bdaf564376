import RingsideCore

/// Turns a call's events into the transcript lines reports show: speech, tool traces, policy events.
enum TranscriptBuilder {
    /// `redact` is applied to every event by the event model's one rule first (the bus already did;
    /// events read back from elsewhere may not have been).
    static func lines(from events: [CallEvent], redact: (String) -> String) -> [RunTranscriptLine] {
        events.compactMap { unredacted -> RunTranscriptLine? in
            let e = unredacted.mappingText(redact)
            let t = e.time.seconds
            switch e.payload {
            case let .finalTranscript(speaker, text, _) where !text.isEmpty: return RunTranscriptLine(time: t, who: .init(speaker), text: text)
            case let .ttsRequested(text), let .farEndHeard(text): return RunTranscriptLine(time: t, who: .agent, text: text)
            case let .toolStarted(trace): return RunTranscriptLine(time: t, who: .tool, text: "→ \(trace.tool)(\(trace.arguments))")
            case let .toolFinished(trace): return RunTranscriptLine(time: t, who: .tool, text: "← \(trace.tool): \(trace.result ?? "")")
            case let .toolFailed(trace, error): return RunTranscriptLine(time: t, who: .tool, text: "✗ \(trace.tool): \(error)")
            case let .approvalRequested(id, tool, _): return RunTranscriptLine(time: t, who: .policy, text: "approval requested for \(tool) (\(id))")
            case let .approvalDecided(_, approved, by): return RunTranscriptLine(time: t, who: .policy, text: approved ? "approved by \(by)" : "denied by \(by)")
            case let .escalated(summary, target): return RunTranscriptLine(time: t, who: .policy, text: "escalated to \(target ?? "a human"): \(summary)")
            case let .bargeIn(heard, fraction): return RunTranscriptLine(time: t, who: .session, text: "barge-in: caller heard \(Int(fraction * 100))% (\"\(heard)\")")
            case let .fragmentJoined(fragment, started):
                return RunTranscriptLine(time: t, who: .session, text: "premature end of turn: the caller went on after \"\(fragment)\"\(started ? " (the reply was cut short)" : "")")
            case let .dtmf(digit): return RunTranscriptLine(time: t, who: .caller, text: "[keypad \(digit)]")
            case let .callEnded(reason): return RunTranscriptLine(time: t, who: .session, text: "call ended: \(reason)")
            case let .error(message): return RunTranscriptLine(time: t, who: .session, text: "error: \(message)")
            default: return nil
            }
        }
    }
}
