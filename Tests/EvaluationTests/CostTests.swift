import Foundation
import RingsideCore
import Testing
@testable import Evaluation

/// The price table and cost estimates: usage measured from events, costs per call, per resolved
/// and per escalated call, and every report showing them.
struct CostTests {
    static let prices = PriceTable(currency: "USD", sttPerMinute: 0.006, ttsPerMinute: 0.015, telephonyPerMinute: 0.01, llmPer1kTokens: 0.002)

    static func event(_ seconds: Double, _ payload: CallEventPayload) -> CallEvent {
        CallEvent(callID: "c", turn: 0, time: .seconds(seconds), stage: .session, payload: payload)
    }

    @Test func parsesAPriceTableAndLocatesMistakes() throws {
        let table = try PriceTable.parse(yaml: "currency: EUR\nstt_per_minute: 0.006\ntts_per_minute: 0.015\ntelephony_per_minute: 0.01\nllm_per_1k_tokens: 0.002\n", file: "p.yaml")
        #expect(table == PriceTable(currency: "EUR", sttPerMinute: 0.006, ttsPerMinute: 0.015, telephonyPerMinute: 0.01, llmPer1kTokens: 0.002))
        do {
            _ = try PriceTable.parse(yaml: "stt_per_minute: 0.006\ntts_per_minut: 0.01\n", file: "p.yaml")
            Issue.record("a misspelt key must be an error")
        } catch {
            #expect(error.description.contains("p.yaml:2:"), "\(error.description)")
            #expect(error.description.contains("did you mean 'tts_per_minute'"), "\(error.description)")
        }
        #expect(throws: LocatedError.self) { try PriceTable.parse(yaml: "stt_per_minute: -1\n", file: "p.yaml") }
        #expect(throws: LocatedError.self) { try PriceTable.parse(yaml: "stt_per_minute: cheap\n", file: "p.yaml") }
    }

    @Test func usageComesFromTheEvents() {
        let events = [
            Self.event(0, .callStarted(agent: "a", transport: "embedded")),
            Self.event(0.5, .playoutStarted),
            Self.event(4.5, .playoutFinished(heardFraction: 1)),
            Self.event(6, .finalTranscript(speaker: .caller, text: String(repeating: "a", count: 40), confidence: 1)),
            Self.event(6.2, .brainDecided(intent: nil, confidence: 1, path: AnswerPath(.llm), reply: String(repeating: "b", count: 60), expects: nil)),
            Self.event(7, .playoutStarted),
            Self.event(9, .bargeIn(heardText: "", heardFraction: 0.5)),
            Self.event(9.5, .brainDecided(intent: "x", confidence: 1, path: AnswerPath(.intentEngine, reason: "slot"), reply: "ok", expects: nil)),
            Self.event(120, .callEnded(reason: "done")),
        ]
        let usage = CallUsage.measure(events)
        #expect(usage.telephonySeconds == 120)
        #expect(usage.sttSeconds == 120)
        #expect(usage.ttsSeconds == 6, "4 s played, then 2 s until the barge-in")
        #expect(usage.llmTokens == 25, "(40 + 60) characters / 4 for the one LLM turn; the intent engine costs none")
        // 2 min STT 0.012 + 0.1 min TTS 0.0015 + 2 min telephony 0.02 + 0.025k tokens 0.00005
        #expect(abs(Self.prices.cost(of: usage) - 0.03355) < 1e-9)
    }

    static func run(_ id: String, verdict: RunVerdict, escalated: Bool, success: Bool, minutes: Double) -> ScenarioRunResult {
        var r = ScenarioRunResult(scenarioID: id, file: "/x/a/calls/\(id).yaml", run: 1, verdict: verdict, reasons: verdict == .pass ? [] : ["why"])
        r.metrics.escalated = escalated
        r.metrics.taskSuccess = success
        r.metrics.usage = CallUsage(telephonySeconds: minutes * 60)
        return r
    }

    @Test func costsPerCallPerResolvedAndPerEscalatedCall() throws {
        let prices = PriceTable(telephonyPerMinute: 0.1)
        let results = [
            Self.run("resolved-1", verdict: .pass, escalated: false, success: true, minutes: 1),
            Self.run("resolved-2", verdict: .pass, escalated: false, success: true, minutes: 3),
            Self.run("escalated", verdict: .pass, escalated: true, success: true, minutes: 2),
            Self.run("failed", verdict: .fail, escalated: false, success: false, minutes: 2),
            ScenarioRunResult(scenarioID: "broken", file: "b.yaml", run: 1, verdict: .error, reasons: ["harness"]),
        ]
        let c = CostSummary(results, prices: prices)
        #expect(abs(c.total - 0.8) < 1e-9)
        #expect(abs((c.perCall ?? 0) - 0.2) < 1e-9, "four graded calls; the harness error is not a call")
        #expect(c.resolvedCalls == 2)
        #expect(abs((c.perResolvedCall ?? 0) - 0.4) < 1e-9, "everything spent over the two resolutions")
        #expect(c.escalatedCalls == 1)
        #expect(abs((c.perEscalatedCall ?? 0) - 0.2) < 1e-9)
        #expect(c.perRun["broken#1"] == nil)

        let report = TestReport(ringside: "t", target: "embedded", results: results, wallSeconds: 1, prices: prices)
        let table = TerminalTable.render(report)
        #expect(table.contains("$0.4000 per resolved call (2)"), "\(table)")
        #expect(table.contains("$0.2000 per escalated call (1)"))
        #expect(table.contains("$0.3000"), "resolved-2's own cost in its row")
        let html = HTMLReport.html(report)
        #expect(html.contains("<td>per resolved call</td><td>$0.4000 (2 resolved)</td>"))
        let decoded = try JSONDecoder().decode(TestReport.self, from: report.json())
        #expect(decoded.costs == report.costs)
        #expect(!TerminalTable.render(TestReport(ringside: "t", target: "embedded", results: results, wallSeconds: 1)).contains("cost"))
    }
}
