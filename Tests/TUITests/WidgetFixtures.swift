import RingsideCore
@testable import TUI

/// A short conversation: greeting, a caller line, an agent reply cut off by a barge-in, and the
/// caller's words still being recognised.
func conversationState() -> CallState {
    state([
        event(0, turn: 0, .callStarted(agent: "clinic", transport: "embedded")),
        event(100, turn: 0, .ttsRequested(text: "Riverside Clinic, how can I help?")),
        event(3000, .finalTranscript(speaker: .caller, text: "Is Dr. Patel in on Tuesday?", confidence: 0.9)),
        event(4000, .ttsRequested(text: "Yes, she is in from nine to five.")),
        event(5000, .bargeIn(heardText: "Yes, she is in", heardFraction: 0.4)),
        event(5500, turn: 2, .partialTranscript(speaker: .caller, text: "Can I book")),
    ])
}

/// Two turns with known stage times. Turn 1 (v2v 900 ms): endpoint 200, stt 150, brain 90,
/// tools 290, tts 80, playout 50. Turn 2 (v2v 400 ms): endpoint 100, stt 100, brain 100,
/// tts 50, playout 50.
func latencyState() -> CallState {
    let tool = ToolCallTrace(invocation: "i1", tool: "lookup", arguments: "{}")
    var done = tool
    done.result = "{}"
    return state([
        event(1100, turn: 1, .speechStopped(speaker: .caller, trueEnd: .milliseconds(1000))),
        event(1200, turn: 1, .endOfTurn(trueEnd: .milliseconds(1000), rule: .silence(.neutral))),
        event(1350, turn: 1, .finalTranscript(speaker: .caller, text: "hello", confidence: 1)),
        event(1360, turn: 1, .brainStarted(input: "hello")),
        event(1400, turn: 1, .brainDecided(intent: nil, confidence: 1, path: AnswerPath(.intentEngine), reply: "", expects: nil)),
        event(1410, turn: 1, .toolStarted(tool)),
        event(1700, turn: 1, .toolFinished(done)),
        event(1710, turn: 1, .brainStarted(input: "tool")),
        event(1760, turn: 1, .brainDecided(intent: nil, confidence: 1, path: AnswerPath(.intentEngine), reply: "ok", expects: nil)),
        event(1770, turn: 1, .ttsRequested(text: "ok")),
        event(1850, turn: 1, .ttsFirstAudio),
        event(1900, turn: 1, .playoutStarted),
        event(5000, turn: 2, .endOfTurn(trueEnd: .milliseconds(4900), rule: .silence(.neutral))),
        event(5100, turn: 2, .finalTranscript(speaker: .caller, text: "bye", confidence: 1)),
        event(5110, turn: 2, .brainStarted(input: "bye")),
        event(5210, turn: 2, .brainDecided(intent: nil, confidence: 1, path: AnswerPath(.intentEngine), reply: "bye", expects: nil)),
        event(5200, turn: 2, .ttsRequested(text: "bye")),
        event(5250, turn: 2, .ttsFirstAudio),
        event(5300, turn: 2, .playoutStarted),
    ])
}

/// One pending approval, a finished tool retried once, a failed tool and a running one.
func toolState() -> CallState {
    let lookup = ToolCallTrace(invocation: "i1", tool: "lookup_patient", arguments: #"{"name":"A*** L***"}"#)
    var lookup2 = lookup
    lookup2.attempt = 2
    lookup2.result = #"{"id":"P-77"}"#
    let refund = ToolCallTrace(invocation: "i2", tool: "refund", arguments: #"{"amount":40}"#)
    let sms = ToolCallTrace(invocation: "i3", tool: "send_sms", arguments: #"{"to":"+44…"}"#)
    return state([
        event(0, .toolStarted(lookup)), event(300, .toolFailed(lookup, error: "timeout")),
        event(310, .toolStarted(lookup2)), event(430, .toolFinished(lookup2)),
        event(500, .toolStarted(refund)), event(520, .toolFailed(refund, error: "card declined")),
        event(600, .toolStarted(sms)),
        event(700, .approvalRequested(id: "ap1", tool: "book_slot", arguments: #"{"slot":"Tue 14:00"}"#)),
    ])
}
