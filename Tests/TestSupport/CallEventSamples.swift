import Foundation
import RingsideCore

/// One payload of every kind, with `text` in every free-text field and `name` in every field that is a
/// name (agent, tool, intent, codec…): the redaction tests plant a secret as `text` and check that no
/// writer lets it through, and `strings(in:)` checks that every string field was planted.
public enum CallEventSamples {
    public static func every(text: String, name: String) -> [CallEventPayload] {
        let trace = ToolCallTrace(invocation: name, tool: name, arguments: text, attempt: 1, result: text, durationMs: 3)
        let states: [SIPState] = [
            .incoming, .ringing, .progress(status: 183), .connected(codec: name, peer: text), .onHold(direction: .recvonly), .resumed,
            .transferring(target: text, method: .refer), .transferring(target: text, method: .bridge), .transferred(to: text),
            .transferProgress(status: 180, phrase: text), .bridged(to: text), .bridgeEnded(side: .caller, reason: text),
            .ended(reason: text), .dtmfSent(digit: name),
        ]
        let payloads: [CallEventPayload] = [
            .callStarted(agent: name, transport: text),
            .callEnded(reason: text),
            .speechStarted(speaker: .caller),
            .speechStopped(speaker: .caller, trueEnd: .seconds(1)),
            .endOfTurn(trueEnd: .seconds(1), rule: .learnedModel(probability: 0.9)),
            .partialTranscript(speaker: .caller, text: text),
            .finalTranscript(speaker: .caller, text: text, confidence: 0.9),
            .finalSource(FinalSource(speaker: .caller, engine: name, fallback: text, unclear: true)),
            .brainStarted(input: text),
            .brainDecided(intent: name, confidence: 1, path: AnswerPath(.llm, hybrid: true, reason: text), reply: text, expects: name),
            .toolStarted(trace),
            .toolFinished(trace),
            .toolFailed(trace, error: text),
            .approvalRequested(id: name, tool: name, arguments: text),
            .approvalDecided(id: name, approved: true, by: name),
            .escalated(summary: text, target: text),
            .ttsRequested(text: text),
            .ttsFirstAudio,
            .ttsFinished,
            .playoutStarted,
            .playoutFinished(heardFraction: 1),
            .farEndHeard(text: text),
            .contextPassedOn(context: text),
            .fragmentJoined(fragment: text, replyStarted: true),
            .speculation(SpeculationOutcome(held: false, cancelled: 1, text: text, miss: text)),
            .bargeIn(heardText: text, heardFraction: 0.5),
            .takeover(by: name),
            .handback(context: text),
            .dtmf(digit: name),
            .rtpStats(RTPStats(direction: .received, codec: name, packets: 10, lost: 1, jitterMs: 2)),
            .level(speaker: .caller, rms: 0.1, peak: 0.2),
            .error(text),
        ]
        return payloads + states.map { .sipState($0) }
    }

    /// Every string inside `value` (enum payloads, structs, tuples, optionals), found by reflection.
    public static func strings(in value: Any) -> [String] {
        if let s = value as? String { return [s] }
        return Mirror(reflecting: value).children.flatMap { strings(in: $0.value) }
    }
}
