import RingsideCore

/// A synthetic two-turn clinic call for `ringside ui-demo` and the layout tests: a greeting, a
/// booking request answered after a tool call (retried once), a name that needs an approval
/// for the booking tool, and the caller barging in on the agent's long confirmation.
public enum DemoCall {
    public static let callID = "demo-clinic"

    /// What the header shows for the demo.
    public static let sessionInfo = SessionInfo(
        agentName: "clinic-receptionist", transport: "embedded", stt: "pocketsphinx", brain: "intent",
        tts: "flite slt", inputDevice: "default", outputDevice: "default", echoCancel: true)

    /// The approval the demo leaves pending until someone presses `a` or `d`.
    public static let approvalID = "approve-1"

    /// The events in time order.
    public static func events() -> [CallEvent] {
        var script = Script()
        script.at(0.0, 0, .session, .sipState(.connected(codec: "PCMU", peer: nil)))
        script.at(0.0, 0, .session, .callStarted(agent: "clinic-receptionist", transport: "embedded"))
        // Turn 0: the greeting.
        let greeting = "Good morning, Riverside Clinic. How can I help you?"
        script.at(0.20, 0, .tts, .ttsRequested(text: greeting))
        script.at(0.23, 0, .tts, .ttsFirstAudio)
        script.at(0.26, 0, .playout, .playoutStarted)
        script.speech(.agent, from: 0.26, to: 3.1)
        script.at(2.9, 0, .tts, .ttsFinished)
        script.at(3.1, 0, .playout, .playoutFinished(heardFraction: 1))

        // Turn 1: booking request, availability lookup retried once.
        script.callerSpeaks(turn: 1, from: 4.0, to: 6.10, partials: [
            (4.5, "I'd like"), (5.0, "I'd like to book an"), (5.6, "I'd like to book an appointment with"),
        ])
        script.at(6.30, 1, .endpoint, .endOfTurn(trueEnd: .seconds(6.10), rule: .silence(.complete)))
        script.at(6.45, 1, .stt, .finalTranscript(speaker: .caller, text: "I'd like to book an appointment with doctor Patel on Tuesday", confidence: 0.91))
        script.at(6.46, 1, .brain, .brainStarted(input: "I'd like to book an appointment with doctor Patel on Tuesday"))
        script.at(6.52, 1, .brain, .brainDecided(intent: "book_appointment", confidence: 0.88, path: AnswerPath(.intentEngine), reply: "", expects: nil))
        let lookup = ToolCallTrace(invocation: "call-1", tool: "check_availability", arguments: #"{"doctor":"Patel","day":"Tuesday"}"#)
        script.at(6.53, 1, .tool, .toolStarted(lookup))
        script.at(6.78, 1, .tool, .toolFailed(lookup, error: "timed out after 250ms"))
        var retry = lookup
        retry.attempt = 2
        script.at(6.79, 1, .tool, .toolStarted(retry))
        retry.result = #"{"slots":["09:30","14:00"]}"#
        script.at(6.93, 1, .tool, .toolFinished(retry))
        script.at(6.94, 1, .brain, .brainStarted(input: "tool result"))
        let offer = "Dr. Patel has 9:30 or 2 pm on Tuesday. Which works for you?"
        script.at(7.00, 1, .brain, .brainDecided(intent: "offer_slots", confidence: 0.9, path: AnswerPath(.intentEngine), reply: offer, expects: "time"))
        script.at(7.01, 1, .tts, .ttsRequested(text: offer))
        script.at(7.07, 1, .tts, .ttsFirstAudio)
        script.at(7.10, 1, .playout, .playoutStarted)
        script.speech(.agent, from: 7.10, to: 10.4)
        script.at(10.2, 1, .tts, .ttsFinished)
        script.at(10.4, 1, .playout, .playoutFinished(heardFraction: 1))

        // Turn 2: the caller picks a slot and gives a name; booking needs approval.
        script.callerSpeaks(turn: 2, from: 11.2, to: 12.90, partials: [(11.7, "Two pm"), (12.3, "Two pm please, my name is")])
        script.at(13.05, 2, .endpoint, .endOfTurn(trueEnd: .seconds(12.90), rule: .silence(.likelyComplete)))
        script.at(13.17, 2, .stt, .finalTranscript(speaker: .caller, text: "Two pm please, my name is Ana Lima", confidence: 0.87))
        script.at(13.18, 2, .brain, .brainStarted(input: "Two pm please, my name is Ana Lima"))
        script.at(13.26, 2, .brain, .brainDecided(intent: "confirm_booking", confidence: 0.93, path: AnswerPath(.intentEngine), reply: "", expects: nil))
        script.at(13.27, 2, .policy, .approvalRequested(id: approvalID, tool: "book_appointment",
                                                          arguments: #"{"doctor":"Patel","slot":"Tue 14:00","patient":"A*** L***"}"#))
        let confirm = "I'll book Tuesday at 2 pm with Dr. Patel for Ana Lima, and the front desk will text you a confirmation."
        script.at(13.28, 2, .tts, .ttsRequested(text: confirm))
        script.at(13.33, 2, .tts, .ttsFirstAudio)
        script.at(13.36, 2, .playout, .playoutStarted)
        script.speech(.agent, from: 13.36, to: 15.6)
        // The caller talks over the agent.
        script.at(15.4, 3, .vad, .speechStarted(speaker: .caller))
        script.at(15.6, 2, .playout, .bargeIn(heardText: "I'll book Tuesday at 2 pm with Dr. Patel", heardFraction: 0.4))
        script.levels(.caller, from: 15.4, to: 17.5)
        script.at(16.2, 3, .stt, .partialTranscript(speaker: .caller, text: "Sorry, is there parking"))
        script.at(17.3, 3, .stt, .partialTranscript(speaker: .caller, text: "Sorry, is there parking at the clinic"))
        script.at(17.6, 3, .vad, .speechStopped(speaker: .caller, trueEnd: .seconds(17.5)))
        return script.events.sorted { $0.time < $1.time }
    }

    /// Builds the demo's events with times in seconds.
    private struct Script {
        var events: [CallEvent] = []

        mutating func at(_ seconds: Double, _ turn: Int, _ stage: Stage, _ payload: CallEventPayload) {
            events.append(CallEvent(callID: DemoCall.callID, turn: turn, time: .seconds(seconds), stage: stage, payload: payload))
        }

        mutating func callerSpeaks(turn: Int, from start: Double, to end: Double, partials: [(Double, String)]) {
            at(start, turn, .vad, .speechStarted(speaker: .caller))
            for (t, text) in partials { at(t, turn, .stt, .partialTranscript(speaker: .caller, text: text)) }
            levels(.caller, from: start, to: end)
            at(end + 0.1, turn, .vad, .speechStopped(speaker: .caller, trueEnd: .seconds(end)))
        }

        mutating func speech(_ speaker: Speaker, from start: Double, to end: Double) {
            levels(speaker, from: start, to: end)
        }

        /// A level every 100 ms while someone speaks, then silence.
        mutating func levels(_ speaker: Speaker, from start: Double, to end: Double) {
            var t = start
            var i = 0
            while t < end {
                // A deterministic wobble between about -30 and -12 dBFS.
                let rms = 0.08 + 0.07 * Double((i * 7) % 5) / 4
                at(t, 0, .session, .level(speaker: speaker, rms: rms, peak: min(1, rms * 2.5)))
                t += 0.1
                i += 1
            }
            at(end, 0, .session, .level(speaker: speaker, rms: 0, peak: 0))
        }
    }
}
