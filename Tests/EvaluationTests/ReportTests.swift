import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RingsideCore
import Testing
@testable import Evaluation

/// The report writers: JUnit is well-formed XML with the right elements, JSON round-trips, HTML
/// names every scenario, baselines find regressions, exit codes follow the verdicts.
struct ReportTests {
    static var results: [ScenarioRunResult] {
        var pass = ScenarioRunResult(scenarioID: "book-ok", file: "/x/clinic/calls/a.yaml", description: "ok <b>", run: 1, verdict: .pass, reasons: [])
        pass.metrics.voiceToVoiceMs = [300, 500]
        pass.metrics.stageMs = ["endpointing": [220, 320], "stt": [0, 0], "brain": [4, 6], "tools": [0, 90], "tts": [40, 50], "playout": [36, 34]]
        pass.metrics.taskSuccess = true
        pass.transcript = [RunTranscriptLine(time: 1, who: .caller, text: "book & go")]
        var fail = ScenarioRunResult(scenarioID: "book-bad", file: "/x/clinic/calls/b.yaml", run: 1, verdict: .fail, reasons: ["tool book_slot was called with time = \"09:00\" <x>", "second"])
        fail.metrics.voiceToVoiceMs = [900]
        let error = ScenarioRunResult(scenarioID: "broken", file: "/x/orders/calls/c.yaml", run: 1, verdict: .error, reasons: ["c.yaml:3:5: unknown key"])
        return [pass, fail, error]
    }

    @Test func junitIsWellFormedWithSuitesCasesAndFailures() throws {
        let xml = JUnitReport.xml(TestReport(ringside: "t", target: "embedded", results: Self.results, wallSeconds: 2))
        let doc = try XMLDocument(xmlString: xml)
        let root = try #require(doc.rootElement())
        #expect(root.name == "testsuites")
        let suites = try doc.nodes(forXPath: "//testsuite")
        #expect(suites.count == 2)
        let cases = try doc.nodes(forXPath: "//testcase")
        #expect(cases.count == 3)
        let failure = try #require(try doc.nodes(forXPath: "//testcase[@name='book-bad#1']/failure").first as? XMLElement)
        #expect(failure.attribute(forName: "message")?.stringValue == "tool book_slot was called with time = \"09:00\" <x>")
        #expect(try doc.nodes(forXPath: "//testcase[@name='broken#1']/error").count == 1)
        #expect(try doc.nodes(forXPath: "//testcase[@name='book-ok#1']/*").isEmpty)
    }

    @Test func jsonRoundTripsAndExitCodesFollowVerdicts() throws {
        let report = TestReport(ringside: "t", target: "embedded", results: Self.results, wallSeconds: 2)
        let back = try JSONDecoder().decode(TestReport.self, from: try report.json())
        #expect(back == report)
        #expect(report.exitCode == 2)
        #expect(TestReport(ringside: "t", target: "e", results: Array(Self.results.prefix(2)), wallSeconds: 1).exitCode == 1)
        #expect(TestReport(ringside: "t", target: "e", results: Array(Self.results.prefix(1)), wallSeconds: 1).exitCode == 0)
        #expect(TestReport(ringside: "t", target: "e", results: Array(Self.results.prefix(1)), wallSeconds: 1, regressions: ["x"]).exitCode == 1)
    }

    @Test func htmlContainsEveryScenarioEscapedAndAnSVGHistogram() {
        let html = HTMLReport.html(TestReport(ringside: "t", target: "embedded", results: Self.results, wallSeconds: 2))
        for r in Self.results { #expect(html.contains(r.name)) }
        #expect(html.contains("<svg"))
        #expect(html.contains("book &amp; go"))
        #expect(html.contains("ok &lt;b&gt;"))
        #expect(!html.contains("ok <b>"))
    }

    @Test func htmlChartsEachStageAndEachRunsMedianTurn() throws {
        let html = HTMLReport.html(TestReport(ringside: "t", target: "embedded", results: Self.results, wallSeconds: 2))
        let chart = try #require(html.range(of: "aria-label=\"per-stage latency\"").map { String(html[$0.lowerBound...].prefix(4000)) })
        for stage in LatencyStage.allCases { #expect(chart.contains(">\(stage.label)<"), "\(stage.label) is charted") }
        // Endpointing: p50 of [220, 320] is 220 and p95 320; the widest bar is the largest p95.
        #expect(chart.contains("endpoint p50 220 ms") && chart.contains("endpoint p95 320 ms"))
        #expect(chart.contains("width=\"420\""), "the largest p95 spans the chart")
        #expect(html.contains("aria-label=\"median turn by stage\""), "the passing run has a stacked bar")
        let table = TerminalTable.render(TestReport(ringside: "t", target: "embedded", results: Self.results, wallSeconds: 2))
        #expect(table.contains("stage p50/p95 ms: endpoint 220/320 · stt 0/0 · brain 4/6 · tools 0/90 · tts 40/50 · playout 34/36"), "\(table)")
        #expect(html.contains("<tr><td>tools</td><td>2</td><td>0.0</td><td>90.0</td><td>90.0</td></tr>"), "\(html)")
        // A run without stage figures (an older report, an error) gets no bar, and no stages at all no chart.
        var bare = Self.results
        for i in bare.indices { bare[i].metrics.stageMs = nil }
        #expect(HTMLReport.html(TestReport(ringside: "t", target: "e", results: bare, wallSeconds: 1)).contains("<h2>Where the time goes</h2>\n<p>No measured turns.</p>"))
    }

    @Test func baselineFindsNewFailuresAndSlowerP95() {
        var before = Self.results
        before[1].verdict = .pass
        before[0].metrics.voiceToVoiceMs = [100, 200]
        let regressions = BaselineComparison.regressions(current: Self.results, baseline: before, marginMs: 100)
        #expect(regressions.contains { $0.hasPrefix("book-bad: newly failing: tool book_slot") })
        #expect(regressions.contains { $0.hasPrefix("book-ok: voice-to-voice p95 500 ms, was 200 ms") })
        #expect(BaselineComparison.regressions(current: Self.results, baseline: Self.results).isEmpty)
    }

    /// Pass rate, task success and misunderstandings per tag, in the terminal table and the HTML
    /// report: a held-out set tagged `generalisation` reads apart from the rest.
    @Test func perTagTableInTerminalAndHTML() {
        var held = ScenarioRunResult(scenarioID: "gen-a", file: "/x/clinic/generalisation/a.yaml", tags: ["generalisation", "booking"], run: 1, verdict: .pass, reasons: [])
        held.metrics.taskSuccess = true
        held.metrics.misunderstandings = 1
        var heldFail = ScenarioRunResult(scenarioID: "gen-b", file: "/x/clinic/generalisation/b.yaml", tags: ["generalisation"], run: 1, verdict: .fail, reasons: ["x"])
        heldFail.metrics.misunderstandings = 2
        let tuned = ScenarioRunResult(scenarioID: "lib", file: "/x/clinic/calls/c.yaml", tags: ["booking"], run: 1, verdict: .pass, reasons: [])
        let report = TestReport(ringside: "t", target: "embedded", results: [held, heldFail, tuned], wallSeconds: 1)
        let rates = TagPassRates(report.results)
        #expect(rates.rows.map(\.tag) == ["booking", "generalisation"])
        let generalisation = rates.rows[1]
        #expect(generalisation.runs == 2 && generalisation.passed == 1 && generalisation.passRate == 0.5)
        #expect(generalisation.taskSuccessRate == 0.5 && generalisation.misunderstandings == 3)
        let text = TerminalTable.render(report)
        let line = text.split(separator: "\n").first { $0.hasPrefix("generalisation") }.map(String.init) ?? ""
        #expect(line.split(separator: " ") == ["generalisation", "2", "1", "50%", "50%", "3"], "\(text)")
        #expect(text.contains("tag ") && text.contains("pass rate"))
        let html = HTMLReport.html(report)
        #expect(html.contains("<h2>By tag</h2>"))
        #expect(html.contains("<tr><td>generalisation</td><td>2</td><td>1</td><td>50%</td><td>50%</td><td>3</td></tr>"), "\(html)")
    }
}
