import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Evaluation

/// A recorded call becomes a scenario: record a run in virtual time, convert the recording, load the
/// scenario, run it (the caller's recorded audio replayed), and it passes with the same tool calls.
@Suite(.serialized) struct RecordingToScenarioTests {
    /// A private copy of the orders agent with no sample calls of its own.
    static func ordersAgent() throws -> URL {
        let dir = try TestPaths.temporaryDirectory("replay-agent")
        let source = LibraryTests.library.appendingPathComponent("orders")
        for name in ["agent.yaml", "seed.sql"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("calls"), withIntermediateDirectories: true)
        return dir
    }

    @Test func aRecordedCallReplaysAsAPassingScenario() async throws {
        let original = try ScenarioLoader.load(LibraryTests.library.appendingPathComponent("orders/calls/return-approved.yaml"))
        let first = await ScenarioRunner(options: .init(parallelism: 1, recordRoot: try TestPaths.temporaryDirectory("replay-record"))).run([.loaded(original)])
        let recorded = try #require(first.first)
        #expect(recorded.verdict == .pass, "\(recorded.reasons)")
        let recording = URL(fileURLWithPath: try #require(recorded.recording))

        let agent = try Self.ordersAgent()
        let file = agent.appendingPathComponent("calls/replayed.yaml")
        let yaml = try RecordingToScenario.writeScenario(recording: recording, agentDirectory: agent, to: file)
        #expect(yaml.contains("# Review these"))
        let scenario = try ScenarioLoader.load(file)
        let callerLines = recorded.transcript.filter { $0.who == .caller }.map(\.text)
        #expect(scenario.turns.compactMap(\.spokenText) == callerLines)
        #expect(scenario.turns.allSatisfy { $0.audioFile != nil }, "every line replays the caller's recorded audio")
        #expect(scenario.approval == .approve)
        #expect(scenario.assertions.approvalRequested == true)
        #expect(scenario.assertions.escalation == false)
        #expect(scenario.assertions.toolsCalled.contains(ExpectedToolCall(tool: "start_return", arguments: ["order_id": "10430", "amount": "249.99", "today": "2026-03-02"])),
                "\(scenario.assertions.toolsCalled)")

        let replay = await ScenarioRunner(options: .init(parallelism: 1, recordRoot: try TestPaths.temporaryDirectory("replay-run"))).run([.loaded(scenario)])
        let result = try #require(replay.first)
        #expect(result.verdict == .pass, "\(result.reasons)")
        #expect(result.metrics.toolCalls == recorded.metrics.toolCalls)

        // Without a place for clips, the YAML still loads: the lines are synthesised instead.
        let plain = try RecordingToScenario.yaml(recording: recording, agentDirectory: nil)
        let parsed = try ScenarioLoader.parse(yaml: plain, file: file.path, agentDirectory: agent)
        #expect(parsed.turns.allSatisfy { $0.audioFile == nil })
        #expect(parsed.turns.count == scenario.turns.count)
    }

    @Test func aFolderThatIsNotARecordingIsAnError() throws {
        let empty = try TestPaths.temporaryDirectory("not-a-recording")
        #expect(throws: RecordingToScenario.ConversionError.self) { try RecordingToScenario.yaml(recording: empty, agentDirectory: nil) }
        try "{\"not\": \"an event\"}\n".write(to: empty.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        do {
            _ = try RecordingToScenario.yaml(recording: empty, agentDirectory: nil)
            Issue.record("a malformed event line must be an error")
        } catch {
            #expect("\(error)".contains("events.jsonl:1:"), "\(error)")
        }
    }
}
