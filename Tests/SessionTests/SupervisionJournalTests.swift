import Foundation
import RingsideCore
import Session
import Testing

/// The headless log of a supervised call: the lines a watcher gets from the call's events, and the
/// agent's voice-to-voice per turn computed from them.
@Suite struct SupervisionJournalTests {
    static func event(_ payload: CallEventPayload, at seconds: Double, turn: Int = 0, stage: Stage = .session) -> CallEvent {
        CallEvent(callID: "c1", turn: turn, time: .milliseconds(seconds * 1000), stage: stage, payload: payload)
    }

    @Test func aTurnGivesBothTranscriptsAndTheAgentsVoiceToVoice() throws {
        var journal = SupervisionJournal()
        let events = [
            Self.event(.callStarted(agent: "remote agent", transport: "sip"), at: 0),
            Self.event(.speechStarted(speaker: .caller), at: 1.0, turn: 1, stage: .vad),
            Self.event(.endOfTurn(trueEnd: .milliseconds(2200), rule: .learnedModel(probability: 0.9)), at: 2.5, turn: 1, stage: .endpoint),
            Self.event(.finalTranscript(speaker: .caller, text: "what are your opening hours", confidence: 0.9), at: 2.6, turn: 1, stage: .stt),
            Self.event(.playoutStarted, at: 3.13, turn: 1, stage: .playout),
            Self.event(.farEndHeard(text: "we are open monday to friday"), at: 5.0, turn: 1, stage: .stt),
            Self.event(.takeover(by: "operator"), at: 6),
            Self.event(.callEnded(reason: "the agent hung up"), at: 7),
        ]
        let lines = events.compactMap { journal.line(for: $0) }
        #expect(lines.map(\.kind) == ["call", "transcript", "turn", "transcript", "takeover", "call"])
        try #require(lines.count == 6)
        #expect(lines[1].speaker == "caller" && lines[1].text == "what are your opening hours" && lines[1].turn == 1)
        #expect(lines[2].v2vMs == 930, "caller's true end at 2.2 s, the agent's first audio at 3.13 s")
        #expect(lines[3].speaker == "agent" && lines[3].text == "we are open monday to friday")
        #expect(lines[5].event == "ended" && lines[5].reason == "the agent hung up")
        // One JSON object a line.
        var again = SupervisionJournal()
        let text = try #require(again.texts(for: events[0]).first)
        #expect(!text.contains("\n"))
        let decoded = try JSONDecoder().decode(SupervisionJournal.Line.self, from: Data(text.utf8))
        #expect(decoded == lines[0])
    }

    /// An alert phrase in either side's transcript: whole words, case and punctuation aside.
    @Test func anAlertPhraseInEitherTranscriptRaisesAnAlertLine() {
        var journal = SupervisionJournal(alertPhrases: ["speak to a person", "cancel"])
        let caller = journal.lines(for: Self.event(.finalTranscript(speaker: .caller, text: "Can I SPEAK to a person, please?", confidence: 0.9),
                                                   at: 1, turn: 2, stage: .stt))
        #expect(caller.map(\.kind) == ["transcript", "alert"])
        #expect(caller.last?.rule == "speak to a person" && caller.last?.speaker == "caller" && caller.last?.turn == 2)
        let agent = journal.lines(for: Self.event(.farEndHeard(text: "I can cancel that for you"), at: 2, turn: 2, stage: .stt))
        #expect(agent.last?.kind == "alert" && agent.last?.speaker == "agent" && agent.last?.rule == "cancel")
        // Not part of a longer word, nor the words apart.
        #expect(journal.lines(for: Self.event(.farEndHeard(text: "a cancellation; speak to a personal trainer"), at: 3, stage: .stt)).count == 1)
    }

    /// The measure rules: a turn's v2v above the limit follows the turn's line; a leg's MOS below the
    /// limit raises one alert until it recovers; silence longer than the limit raises one alert per gap.
    @Test func measureRulesRaiseAlerts() {
        var journal = SupervisionJournal(rules: .init(silenceSeconds: 3, v2vMs: 800, mos: 3.5))
        func stats(_ mos: Double, leg: String = "agent") -> CallEventPayload {
            .rtpStats(RTPStats(direction: .received, codec: "PCMU", packets: 100, lost: 0, jitterMs: 1, mos: mos, leg: leg))
        }
        var kinds: [String] = []
        var rules: [String] = []
        for event in [
            Self.event(.callStarted(agent: "remote agent", transport: "sip"), at: 0),
            Self.event(.speechStarted(speaker: .caller), at: 1.0, turn: 1, stage: .vad),
            Self.event(.speechStopped(speaker: .caller, trueEnd: .milliseconds(2000)), at: 2.0, turn: 1, stage: .vad),
            Self.event(.endOfTurn(trueEnd: .milliseconds(2000), rule: .learnedModel(probability: 0.9)), at: 2.3, turn: 1, stage: .endpoint),
            Self.event(.playoutStarted, at: 3.0, turn: 1, stage: .playout),  // v2v 1000 ms
            Self.event(stats(4.2), at: 4, stage: .rtp),  // 2 s of silence: no alert yet
            Self.event(stats(3.1), at: 5.5, stage: .rtp),  // 3.5 s of silence; MOS too low
            Self.event(stats(3.0), at: 6, stage: .rtp),  // still low, still silent: no new alerts
            Self.event(stats(4.1), at: 8, stage: .rtp),
            Self.event(stats(3.2, leg: "caller"), at: 9, stage: .rtp),
        ] {
            for line in journal.lines(for: event) {
                kinds.append(line.kind)
                if let rule = line.rule { rules.append(rule) }
            }
        }
        #expect(rules == ["v2v > 800 ms", "silence > 3 s", "mos < 3.5", "mos < 3.5"])
        #expect(kinds.filter { $0 == "rtp" }.count == 5)
        // Speech again starts a new gap; a turn within the limit raises nothing.
        let quiet = journal.lines(for: Self.event(.speechStarted(speaker: .caller), at: 10, turn: 2, stage: .vad))
            + journal.lines(for: Self.event(.speechStopped(speaker: .caller, trueEnd: .milliseconds(11000)), at: 11, turn: 2, stage: .vad))
            + journal.lines(for: Self.event(.endOfTurn(trueEnd: .milliseconds(11000), rule: .learnedModel(probability: 0.9)), at: 11.2, turn: 2, stage: .endpoint))
            + journal.lines(for: Self.event(.playoutStarted, at: 11.5, turn: 2, stage: .playout))
        #expect(quiet.allSatisfy { $0.kind != "alert" })
        #expect(journal.lines(for: Self.event(stats(4.2, leg: "caller"), at: 15, stage: .rtp)).map { $0.rule ?? $0.kind } == ["rtp", "silence > 3 s"])
    }

    /// The caller speaking over the agent: a bargeIn line when the agent stops, with how long it took;
    /// the caller speaking after the agent stopped is no barge-in. The agent speaking is no silence.
    @Test func aBargeInGivesHowFastTheAgentYielded() {
        var journal = SupervisionJournal(rules: .init(silenceSeconds: 2))
        let lines = [
            Self.event(.speechStarted(speaker: .agent), at: 0.5, stage: .vad),
            Self.event(.speechStarted(speaker: .caller), at: 3.0, turn: 1, stage: .vad),
            Self.event(.speechStopped(speaker: .agent, trueEnd: .milliseconds(3400)), at: 3.42, turn: 1, stage: .vad),
            Self.event(.speechStopped(speaker: .caller, trueEnd: .milliseconds(4000)), at: 4.0, turn: 1, stage: .vad),
            Self.event(.speechStarted(speaker: .agent), at: 4.6, turn: 1, stage: .vad),
            Self.event(.speechStopped(speaker: .agent, trueEnd: .milliseconds(6000)), at: 6.0, turn: 1, stage: .vad),
            Self.event(.speechStarted(speaker: .caller), at: 6.5, turn: 2, stage: .vad),
        ].flatMap { journal.lines(for: $0) }
        #expect(lines.map(\.kind) == ["bargeIn"])
        #expect(lines.first?.yieldMs == 420 && lines.first?.turn == 1)
    }

    /// Dead air per turn: from the caller's end of turn to the next speech from either side (the agent
    /// answering, or the caller going on when it does not); a silence alert during dead air names the
    /// turn and the dead air so far. A pause inside the caller's turn (no end of turn) is none.
    @Test func deadAirIsMeasuredPerTurnAndCarriedByTheSilenceAlert() {
        var journal = SupervisionJournal(rules: .init(silenceSeconds: 3))
        let stats = CallEventPayload.rtpStats(RTPStats(direction: .received, codec: "PCMU", packets: 100, lost: 0, jitterMs: 1, mos: 4.3, leg: "agent"))
        let lines = [
            Self.event(.speechStarted(speaker: .caller), at: 1.0, turn: 1, stage: .vad),
            Self.event(.speechStopped(speaker: .caller, trueEnd: .milliseconds(1500)), at: 1.6, turn: 1, stage: .vad),
            Self.event(.speechStarted(speaker: .caller), at: 1.8, turn: 1, stage: .vad),  // a pause, not the turn's end
            Self.event(.speechStopped(speaker: .caller, trueEnd: .milliseconds(2000)), at: 2.1, turn: 1, stage: .vad),
            Self.event(.endOfTurn(trueEnd: .milliseconds(2000), rule: .learnedModel(probability: 0.9)), at: 2.3, turn: 1, stage: .endpoint),
            Self.event(.speechStarted(speaker: .agent), at: 3.2, turn: 1, stage: .vad),
            Self.event(.speechStopped(speaker: .agent, trueEnd: .milliseconds(4000)), at: 4.0, turn: 1, stage: .vad),
            Self.event(.speechStarted(speaker: .caller), at: 4.5, turn: 2, stage: .vad),
            Self.event(.speechStopped(speaker: .caller, trueEnd: .milliseconds(6000)), at: 6.0, turn: 2, stage: .vad),
            Self.event(.endOfTurn(trueEnd: .milliseconds(6000), rule: .learnedModel(probability: 0.9)), at: 6.2, turn: 2, stage: .endpoint),
            Self.event(stats, at: 9.5, stage: .rtp),
            Self.event(.speechStarted(speaker: .caller), at: 10, turn: 3, stage: .vad),
        ].flatMap { journal.lines(for: $0) }.filter { $0.kind != "rtp" }
        #expect(lines.map(\.kind) == ["deadAir", "alert", "deadAir"])
        #expect(lines.map(\.turn) == [1, 2, 2])
        #expect(lines.map(\.deadAirMs) == [1200, 3500, 4000])
        #expect(lines[1].rule == "silence > 3 s")
    }

    /// Agent audio with no caller turn before it (the greeting) is no turn to measure.
    @Test func theGreetingIsNoTurn() {
        var journal = SupervisionJournal()
        #expect(journal.line(for: Self.event(.playoutStarted, at: 1, turn: 0, stage: .playout)) == nil)
    }
}
