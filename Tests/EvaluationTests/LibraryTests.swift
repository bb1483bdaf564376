import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Evaluation

/// Whole calls in virtual time: every scenario of the sample-call library passes; a deliberately broken
/// agent fails exactly the scenarios it should, for the right reason; a malformed scenario is an
/// error that does not stop the rest; repeated runs give identical verdicts and figures.
@Suite(.serialized) struct LibraryTests {
    static var library: URL { TestPaths.repository.appendingPathComponent("sample-calls") }

    @Test func wholeLibraryPasses() async throws {
        let entries = ScenarioEntry.load(paths: [Self.library])
        #expect(entries.count >= 60)
        let recordings = try TestPaths.temporaryDirectory("library")
        let runner = ScenarioRunner(options: .init(parallelism: 2, recordRoot: recordings))
        let results = await runner.run(entries)
        #expect(results.count == entries.count)
        let bad = results.filter { $0.verdict != .pass }.map { "\($0.name): \($0.firstReason) (recording: \($0.recording ?? "none"))" }
        #expect(bad.isEmpty, "\(bad.count) of \(results.count) runs did not pass:\n\(bad.joined(separator: "\n"))")
        // About 150 MB of recordings: kept only when something failed, to look at.
        if bad.isEmpty { try? FileManager.default.removeItem(at: recordings) }
    }

    /// A copy of the clinic agent whose booking step passes today's date instead of the chosen day.
    static func brokenClinic() throws -> URL {
        let dir = try TestPaths.temporaryDirectory("broken-clinic")
        let source = library.appendingPathComponent("clinic")
        let fm = FileManager.default
        for name in ["seed.sql"] { try fm.copyItem(at: source.appendingPathComponent(name), to: dir.appendingPathComponent(name)) }
        let yaml = try String(contentsOf: source.appendingPathComponent("agent.yaml"), encoding: .utf8)
        let broken = yaml.replacingOccurrences(of: #"with: {patient_id: "{patient.id}", day: "{day}", time: "{time}"}"#,
                                               with: #"with: {patient_id: "{patient.id}", day: "{today}", time: "{time}"}"#)
        #expect(broken != yaml, "the booking mapping was found and broken")
        try broken.write(to: dir.appendingPathComponent("agent.yaml"), atomically: true, encoding: .utf8)
        let calls = dir.appendingPathComponent("calls")
        try fm.createDirectory(at: calls, withIntermediateDirectories: true)
        for name in ["book-happy-path.yaml", "hours.yaml"] {
            try fm.copyItem(at: source.appendingPathComponent("calls/\(name)"), to: calls.appendingPathComponent(name))
        }
        try "id: bad\ndescription: broken on purpose\nturns:\n  - say: hello\n    sya: typo\n".write(to: calls.appendingPathComponent("malformed.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func brokenAgentFailsTheBookingOnlyAndAMalformedFileIsAnError() async throws {
        let agent = try Self.brokenClinic()
        let entries = ScenarioEntry.load(paths: [agent])
        #expect(entries.count == 3)
        let results = await ScenarioRunner(options: .init(recordRoot: try TestPaths.temporaryDirectory("broken-runs"))).run(entries)
        let byID = Dictionary(uniqueKeysWithValues: results.map { ($0.scenarioID, $0) })
        let booking = try #require(byID["clinic-book-happy-path"])
        #expect(booking.verdict == .fail)
        #expect(booking.reasons.contains("tool book_slot was called with day = 2026-03-02, expected 2026-03-03"), "\(booking.reasons)")
        #expect(booking.reasons.contains { $0.hasPrefix("sql") }, "the slot stayed free: \(booking.reasons)")
        #expect(byID["clinic-hours"]?.verdict == .pass, "\(byID["clinic-hours"]?.reasons ?? [])")
        let malformed = try #require(byID["malformed"])
        #expect(malformed.verdict == .error)
        #expect(malformed.firstReason.contains("malformed.yaml:5:5"), "\(malformed.firstReason)")
        #expect(malformed.firstReason.contains("unknown key 'sya'"))
        #expect(TestReport(ringside: "t", target: "embedded", results: results, wallSeconds: 1).exitCode == 2)
    }

    @Test func twoRunsGiveIdenticalVerdictsAndMetrics() async throws {
        var scenario = try ScenarioLoader.load(Self.library.appendingPathComponent("orders/calls/status-happy.yaml"))
        scenario.runs = 2
        let results = await ScenarioRunner(options: .init(parallelism: 2, recordRoot: try TestPaths.temporaryDirectory("determinism"))).run([.loaded(scenario)])
        #expect(results.count == 2)
        let (a, b) = (results[0], results[1])
        #expect(a.verdict == .pass, "\(a.reasons)")
        #expect(a.verdict == b.verdict && a.reasons == b.reasons)
        #expect(a.metrics == b.metrics)
        #expect(a.transcript == b.transcript)
    }

    /// The operator answers an approval as soon as it is asked: the agent must go on at once, not
    /// when the 30 s approval timeout would have run out. Two calls at once, as `make test` runs them.
    @Test func anOperatorsDecisionEndsTheApprovalWaitAtOnce() async throws {
        var approved = try ScenarioLoader.load(Self.library.appendingPathComponent("orders/calls/return-approved.yaml"))
        approved.runs = 2
        let denied = try ScenarioLoader.load(Self.library.appendingPathComponent("clinic/calls/cancel-denied.yaml"))
        let results = await ScenarioRunner(options: .init(parallelism: 2, recordRoot: try TestPaths.temporaryDirectory("approvals")))
            .run([.loaded(approved), .loaded(denied)])
        #expect(results.count == 3)
        for r in results {
            #expect(r.verdict == .pass, "\(r.name): \(r.reasons)")
            let asked = try #require(r.transcript.first { $0.who == .policy && $0.text.hasPrefix("approval requested") }, "\(r.name)")
            let decided = try #require(r.transcript.first { $0.who == .policy && $0.text.hasSuffix("by operator") }, "\(r.name): \(r.transcript)")
            #expect(decided.time - asked.time < 0.5, "\(r.name): decided \(decided.time - asked.time) s of call time after the request")
        }
    }
}
