import Audio
import Foundation
import RingsideCore
import Session
import Testing
import TestSupport
@testable import Evaluation

/// `--target pulse`: sample calls on the embedded agent in real time through a real (private)
/// PulseAudio daemon's null sinks, graded as in virtual time and recorded like live calls; a server
/// that cannot be reached is an error verdict (exit 2), not a crash.
@Suite(.serialized) struct PulseTargetTests {
    static func scenario(_ path: String) throws -> Scenario {
        try ScenarioLoader.load(LibraryTests.library.appendingPathComponent(path))
    }

    @Test func shortScenariosPassThroughTheLoopAndAreRecorded() async throws {
        let daemon = try PrivatePulseDaemon.start()
        let recordings = try TestPaths.temporaryDirectory("pulse-target")
        let runner = ScenarioRunner(options: .init(target: .pulse, recordRoot: recordings, pulseServer: daemon.server))
        let scenarios = [try Self.scenario("clinic/calls/hours.yaml"), try Self.scenario("orders/calls/status-happy.yaml")]
        var results = await runner.run(scenarios.map { .loaded($0) })
        #expect(results.count == 2)
        // Real time on a shared machine: a run that did not pass gets one more call, the first one shown.
        for (i, r) in results.enumerated() where r.verdict != .pass {
            print("PulseTargetTests: calling \(r.name) again; first run: \(r.reasons) \(r.transcript.map { "\($0.who): \($0.text)" })")
            results[i] = await runner.run([.loaded(scenarios[i])])[0]
        }
        for r in results {
            #expect(r.verdict == .pass, "\(r.name): \(r.reasons)\n\(r.transcript.map { "\($0.who): \($0.text)" }.joined(separator: "\n"))")
            // The caller's words reached the agent through the room: it recognised turns and answered them.
            #expect(r.metrics.turns >= 1, "\(r.name)")
            #expect(!r.metrics.voiceToVoiceMs.isEmpty, "\(r.name)")
            let directory = try #require(r.recording, "\(r.name) has no recording")
            let recording = try Recording.load(URL(fileURLWithPath: directory))
            #expect(recording.events.contains { if case .callStarted = $0.payload { true } else { false } }, "\(r.name)")
            #expect(recording.events.contains { if case .callEnded = $0.payload { true } else { false } }, "\(r.name)")
            // Both sides are in the recorded audio, about as long as the call.
            let audio = try #require(recording.audio, "\(r.name): no audio recorded")
            #expect(audio.channels == 2)
            let seconds = Double(audio.samples.count / audio.channels) / Double(audio.sampleRate)
            #expect(seconds > r.metrics.durationSeconds * 0.8, "\(r.name): \(seconds) s of audio for a \(r.metrics.durationSeconds) s call")
        }
        // The run's sinks are unloaded once it is over.
        let leftovers = try PulseModules.list(server: daemon.server).filter { $0.arguments.contains("ringside_\(getpid())_") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        if results.allSatisfy({ $0.verdict == .pass }) { try? FileManager.default.removeItem(at: recordings) }
    }

    @Test func anUnreachableServerIsAnErrorForEveryRun() async throws {
        let nowhere = "unix:" + (try TestPaths.temporaryDirectory("no-pulse")).appendingPathComponent("native").path
        let runner = ScenarioRunner(options: .init(target: .pulse, recordRoot: try TestPaths.temporaryDirectory("pulse-none"), pulseServer: nowhere))
        let results = await runner.run([.loaded(try Self.scenario("clinic/calls/hours.yaml"))])
        let r = try #require(results.first)
        #expect(r.verdict == .error)
        #expect(r.firstReason.contains("no PulseAudio server reachable"), "\(r.firstReason)")
        #expect(TestReport(ringside: "t", target: "pulse", results: results, wallSeconds: 1).exitCode == 2)
    }

    @Test func theCommandExitsWithTwoWhenThereIsNoServer() throws {
        let ringside = TestPaths.builtProduct("ringside").path
        try #require(FileManager.default.isExecutableFile(atPath: ringside), "ringside is not built beside the tests (run swift build first)")
        let dir = try TestPaths.temporaryDirectory("pulse-command")
        let report = dir.appendingPathComponent("report.json").path
        let run = try runProgram(ringside, ["test", LibraryTests.library.appendingPathComponent("clinic/calls/hours.yaml").path,
                                           "--target", "pulse", "--json", report],
                                 environment: ["PULSE_SERVER": "unix:" + dir.appendingPathComponent("native").path])
        #expect(run.status == 2, "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)")
        #expect(run.stdout.contains("ERROR clinic-hours"), "\(run.stdout)")
        let json = try String(contentsOfFile: report, encoding: .utf8)
        #expect(json.contains("\"target\" : \"pulse\""), "the report names its target")
    }
}
