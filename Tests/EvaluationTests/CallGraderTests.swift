import Foundation
import RingsideCore
import Testing
@testable import Evaluation

/// Grading rules on hand-made event streams: each rule can pass and fail, with its reason.
struct CallGraderTests {
    static let agent = URL(fileURLWithPath: "/tmp/agent")

    static func event(_ ms: Double, _ payload: CallEventPayload, turn: Int = 0) -> CallEvent {
        CallEvent(callID: "t", turn: turn, time: .milliseconds(ms), stage: .session, payload: payload)
    }

    /// A short booking call: disclosure, one caller turn, a tool call, a reply.
    static var events: [CallEvent] {
        [
            event(0, .ttsRequested(text: "Hello, you're speaking with an AI. How can I help?")),
            event(100, .playoutStarted), event(2000, .playoutFinished(heardFraction: 1)),
            event(2400, .speechStarted(speaker: .caller), turn: 1),
            event(3400, .endOfTurn(trueEnd: .milliseconds(3400), rule: .silence(.neutral)), turn: 1),
            event(3500, .finalTranscript(speaker: .caller, text: "book tuesday at nine", confidence: 0.9), turn: 1),
            event(3500, .toolStarted(ToolCallTrace(invocation: "a", tool: "book_slot", arguments: #"{"day":"2026-03-03","patient_id":1,"time":"09:00"}"#)), turn: 1),
            event(3510, .toolFinished(ToolCallTrace(invocation: "a", tool: "book_slot", arguments: "{}", result: "{}")), turn: 1),
            event(3520, .ttsRequested(text: "You're booked for Tuesday at 9 am."), turn: 1),
            event(3900, .playoutStarted, turn: 1), event(5000, .playoutFinished(heardFraction: 1), turn: 1),
            event(6500, .callEnded(reason: "caller audio ended")),
        ]
    }

    static func scenario(_ assertions: CallAssertions, expect: TurnExpectation = TurnExpectation()) -> Scenario {
        Scenario(id: "s", description: "d", turns: [ScenarioTurn(action: .say("book Tuesday at nine"), expect: expect, line: 7)], assertions: assertions, agentDirectory: agent)
    }

    static func record(queryRows: [Result<[[String]], QueryFailure>] = []) -> CallRecord {
        CallRecord(events: events, spoken: [ScenarioCaller.SpokenTurn(index: 0, start: .milliseconds(2400), end: .milliseconds(3400))],
                   endReason: "caller audio ended", queryRows: queryRows, disclosure: "Hello, you're speaking with an AI. More.",
                   recordingTexts: ["transcript.txt": "caller: book tuesday at nine"])
    }

    @Test func aCallMeetingEveryRulePassesWithFullMetrics() {
        let a = CallAssertions(toolsCalled: [ExpectedToolCall(tool: "book_slot", arguments: ["patient_id": "1", "time": "09:00"])],
                               toolsNotCalled: [ExpectedToolCall(tool: "cancel_appointment")], escalation: false, approvalRequested: false,
                               sql: [DatabaseCheck(query: "q", rows: [["1"]])], disclosureFirst: true, agentSays: ["booked"], notInRecording: ["1980-03-04"])
        let (reasons, m) = CallGrader.grade(Self.scenario(a, expect: TurnExpectation(maxLatencyMs: 1000, agentSays: ["booked"])), Self.record(queryRows: [.success([["1.0"]])]))
        #expect(reasons.isEmpty, "\(reasons)")
        #expect(m.taskSuccess)
        #expect(m.toolRecall == 1 && m.toolPrecision == 1 && m.argumentAccuracy == 1)
        #expect(m.voiceToVoiceMs == [500])
        #expect(m.werErrors == 0 && m.werWords == 4, "got \(m.werErrors)/\(m.werWords)")
        #expect(m.escalationCorrect == true && m.approvalCorrect == true)
    }

    @Test func wrongToolArgumentIsTheReason() {
        let a = CallAssertions(toolsCalled: [ExpectedToolCall(tool: "book_slot", arguments: ["time": "10:30"])])
        let (reasons, m) = CallGrader.grade(Self.scenario(a), Self.record())
        #expect(reasons.first == "tool book_slot was called with time = 09:00, expected 10:30")
        #expect(m.argumentAccuracy == 0)
        #expect(m.toolRecall == 1)
    }

    @Test func missingForbiddenAndOutOfOrderTools() {
        let missing = CallGrader.grade(Self.scenario(CallAssertions(toolsCalled: [ExpectedToolCall(tool: "find_patient")])), Self.record())
        #expect(missing.reasons == ["tool find_patient was never called"])
        #expect(missing.metrics.toolRecall == 0 && !missing.metrics.taskSuccess)
        let forbidden = CallGrader.grade(Self.scenario(CallAssertions(toolsNotCalled: [ExpectedToolCall(tool: "book_slot", arguments: ["day": "2026-03-03"])])), Self.record())
        #expect(forbidden.reasons == ["tool book_slot was called with day = 2026-03-03, which the scenario forbids"])
        let order = CallGrader.grade(Self.scenario(CallAssertions(toolsCalled: [ExpectedToolCall(tool: "book_slot"), ExpectedToolCall(tool: "book_slot")])), Self.record())
        #expect(order.reasons == ["tool book_slot was called, but not in the expected order"])
    }

    @Test func latencyBudgetAndTurnTextRules() {
        let (reasons, _) = CallGrader.grade(Self.scenario(CallAssertions(), expect: TurnExpectation(maxLatencyMs: 400, agentSays: ["cancel"], agentNeverSays: ["booked"])), Self.record())
        #expect(reasons.count == 3)
        #expect(reasons.contains { $0.contains("line 7") && $0.contains("/cancel/") })
        #expect(reasons.contains { $0.contains("forbidden /booked/") })
        #expect(reasons.contains { $0.contains("500 ms is over the 400 ms budget") })
    }

    /// A remote agent's words are graded as they were heard, in spoken words: a time written in the
    /// scenario is found said, also where the hour was heard as its homophone; a wrong time is not.
    @Test(arguments: [
        ("on friday the sixth of march i have two pm and three thirty pm", true),
        ("on friday the sixth of march i have to pm and three thirty pm", true),
        ("on friday the sixth of march i have three pm and four thirty pm", false),
        ("i have to go now", false),
    ])
    func heardTimesAreGradedInSpokenWords(heard: String, passes: Bool) {
        var events = Self.events
        events.removeAll { if case .ttsRequested = $0.payload { $0.turn == 1 } else { false } }
        events.append(Self.event(3600, .farEndHeard(text: heard), turn: 1))
        events.sort { $0.time < $1.time }
        let record = CallRecord(events: events, spoken: Self.record().spoken, endReason: "caller audio ended", queryRows: [],
                                disclosure: "Hello, you're speaking with an AI. More.", recordingTexts: [:])
        let (reasons, _) = CallGrader.grade(Self.scenario(CallAssertions(), expect: TurnExpectation(agentSays: ["2 pm|3:30 pm"])), record)
        #expect(reasons.isEmpty == passes, "\(reasons)")
    }

    /// A remote agent's opening is heard in pieces, split where it paused: all of it before the caller's
    /// first words is its opening. A disclosure said only after the caller spoke is still not first.
    @Test(arguments: [
        (["hello", "you're speaking with an ai how can i help"], 1000.0, true),
        (["how can i help", "hello you're speaking with an ai"], 1000.0, false),
        (["hello"], 2500.0, false),
    ])
    func aHeardOpeningInPiecesIsOneOpening(pieces: [String], secondAt: Double, passes: Bool) {
        var events = Self.events.filter { if case .ttsRequested = $0.payload { $0.turn == 1 } else { true } }
        events.append(Self.event(100, .farEndHeard(text: pieces[0])))
        if pieces.count > 1 { events.append(Self.event(secondAt, .farEndHeard(text: pieces[1]))) }
        events.sort { $0.time < $1.time }
        let record = CallRecord(events: events, spoken: Self.record().spoken, endReason: "caller audio ended", queryRows: [],
                                disclosure: "Hello, you're speaking with an AI. More.", recordingTexts: [:])
        let (reasons, _) = CallGrader.grade(Self.scenario(CallAssertions(disclosureFirst: true)), record)
        #expect(reasons.contains { $0.contains("disclosure") } != passes, "\(reasons)")
    }

    @Test func escalationApprovalSQLDisclosureAndRecordingRules() {
        let a = CallAssertions(escalation: true, approvalRequested: true, sql: [DatabaseCheck(query: "SELECT 1", rows: [["2"]], line: 12)],
                               disclosureFirst: true, notInRecording: ["tuesday at nine"], endReason: "hung up")
        var record = Self.record(queryRows: [.success([["1"]])])
        record.disclosure = "Welcome to the clinic."
        let (reasons, m) = CallGrader.grade(Self.scenario(a), record)
        #expect(reasons.contains("the call was not escalated to a human"))
        #expect(reasons.contains("no approval was requested"))
        #expect(reasons.contains { $0.hasPrefix("sql (line 12): SELECT 1 returned") })
        #expect(reasons.contains { $0.contains("did not open with its disclosure") })
        #expect(reasons.contains("'tuesday at nine' appears unredacted in the recording's transcript.txt"))
        #expect(reasons.contains { $0.contains("expected /hung up/") })
        #expect(m.escalationCorrect == false && m.approvalCorrect == false && !m.taskSuccess)
    }

    @Test func missedTurnAndCallerGivingUpAreReasons() {
        var record = Self.record()
        record.missedTurns = [0]
        record.callerGaveUp = "nobody spoke"
        let (reasons, _) = CallGrader.grade(Self.scenario(CallAssertions()), record)
        #expect(reasons.first == "the caller hung up: nobody spoke")
        #expect(reasons.contains { $0.contains("turn 1 (line 7") && $0.contains("never happened") })
    }
}
