import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Evaluation

/// The scenario format: what it accepts, and the located errors for what it does not.
struct ScenarioLoaderTests {
    let agent = URL(fileURLWithPath: "/tmp/agent")

    @Test func parsesEveryPartOfAScenario() throws {
        let yaml = """
            id: book-1
            tags: [smoke, booking]
            description: A plain booking.
            caller: {voice: slt, rate: 1.1, persona: calm, facts: {name: John Smith}}
            audio: {seed: 3, noise: brown, snr_db: 20, telephone: true, drop_frames: 0.01}
            approval: deny
            turns:
              - say: "I'd like to book an appointment"
                expect: {max_latency_ms: 2000, agent_says: "name"}
              - when: "date of birth"
                say: "the fourth of March nineteen eighty"
              - dtmf: "10427"
              - silence: 1500
              - say: "stop"
                barge_in_after_ms: 700
            assert:
              tools_called:
                - find_patient
                - {tool: book_slot, args: {patient_id: 1, time: "09:00"}}
              tools_not_called: [cancel_appointment]
              escalation: false
              sql:
                - query: "SELECT patient_id FROM slots WHERE id = 1"
                  rows: [[1]]
            limits: {max_turns: 8, max_duration_s: 90}
            runs: 2
            """
        let s = try ScenarioLoader.parse(yaml: yaml, file: "x.yaml", agentDirectory: agent)
        #expect(s.id == "book-1")
        #expect(s.tags == ["smoke", "booking"])
        #expect(s.caller.voice == "slt")
        #expect(s.audio.noise == .brown && s.audio.telephoneBand && s.audio.seed == 3)
        #expect(s.approval == .deny)
        #expect(s.turns.count == 5)
        #expect(s.turns[0].expect.maxLatencyMs == 2000)
        #expect(s.turns[1].when == "date of birth")
        #expect(s.turns[2].action == .dtmf("10427"))
        #expect(s.turns[3].action == .silence(milliseconds: 1500))
        #expect(s.turns[4].bargeInAfterMs == 700)
        #expect(s.assertions.toolsCalled[1] == ExpectedToolCall(tool: "book_slot", arguments: ["patient_id": "1", "time": "09:00"]))
        #expect(s.assertions.sql.first?.rows == [["1"]])
        #expect(s.limits.maxTurns == 8)
        #expect(s.runs == 2)
    }

    @Test func unknownKeyIsALocatedErrorWithASuggestion() {
        let yaml = "id: x\ndescription: d\nturns:\n  - say: hi\n    expct: {}\n"
        #expect {
            _ = try ScenarioLoader.parse(yaml: yaml, file: "bad.yaml", agentDirectory: agent)
        } throws: { error in
            guard let e = error as? LocatedError else { return false }
            return e.location.line == 5 && e.location.column == 5 && e.problem.contains("expct") && (e.suggestion ?? "").contains("expect")
        }
    }

    @Test func wrongValuesAreLocated() {
        let cases: [(String, Int)] = [
            ("id: x\ndescription: d\ncaller: {voice: bob}\nturns: [{say: hi}]\n", 3),
            ("id: x\ndescription: d\nturns:\n  - say: hi\n    dtmf: '12'\n", 4),
            ("id: x\ndescription: d\nturns:\n  - when: '(['\n    say: hi\n", 4),
            ("id: x\ndescription: d\nruns: many\nturns: [{say: hi}]\n", 3),
            ("id: x\nturns: [{say: hi}]\n", 1),
        ]
        for (yaml, line) in cases {
            do {
                _ = try ScenarioLoader.parse(yaml: yaml, file: "bad.yaml", agentDirectory: agent)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.location.line == line, "\(error)")
                #expect(error.location.file == "bad.yaml")
            }
        }
    }

    @Test func enginesServicesBabbleAndRecordedAudio() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data().write(to: folder.appendingPathComponent("line1.wav"))
        let yaml = """
            id: x
            description: d
            caller: {engine: espeak, voice: en-gb-x-rp, rate: 1.2}
            audio: {noise: babble, snr_db: 15}
            services:
              CARRIER_URL: {status: 503, body: '{"error": "down"}'}
              OTHER_URL: {}
            turns:
              - say: "hello"
                audio: line1.wav
            """
        let file = folder.appendingPathComponent("x.yaml").path
        let s = try ScenarioLoader.parse(yaml: yaml, file: file, agentDirectory: agent)
        #expect(s.caller.engine == "espeak" && s.caller.voice == "en-gb-x-rp")
        #expect(s.audio.noise == .babble && s.audio.snrDB == 15)
        #expect(s.services["CARRIER_URL"] == LoopbackHTTPService.Response(status: 503, body: #"{"error": "down"}"#))
        #expect(s.services["OTHER_URL"] == LoopbackHTTPService.Response(status: 200, body: "{}"))
        #expect(s.turns[0].audioFile == folder.appendingPathComponent("line1.wav").standardizedFileURL.path)
        #expect(try ScenarioLoader.parse(yaml: "id: x\ndescription: d\ncaller: {engine: espeak}\nturns: [{say: hi}]\n", file: file, agentDirectory: agent).caller.voice == "en-us")

        let bad: [(String, Int, String)] = [
            ("id: x\ndescription: d\ncaller: {engine: espeak, voice: rms}\nturns: [{say: hi}]\n", 3, "unknown espeak voice 'rms'"),
            ("id: x\ndescription: d\nservices:\n  carrier: {status: 503}\nturns: [{say: hi}]\n", 4, "not an environment variable name"),
            ("id: x\ndescription: d\nservices:\n  CARRIER_URL: {status: 503, body: 'not json'}\nturns: [{say: hi}]\n", 4, "not valid JSON"),
            ("id: x\ndescription: d\nservices:\n  CARRIER_URL: {status: 99}\nturns: [{say: hi}]\n", 4, "out of range"),
            ("id: x\ndescription: d\nturns:\n  - say: hi\n    audio: missing.wav\n", 5, "no audio file"),
            ("id: x\ndescription: d\nturns:\n  - dtmf: '1'\n    audio: line1.wav\n", 5, "only a 'say' turn"),
        ]
        for (yaml, line, problem) in bad {
            do {
                _ = try ScenarioLoader.parse(yaml: yaml, file: file, agentDirectory: agent)
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.location.line == line, "\(error)")
                #expect(error.description.contains(problem), "\(error)")
            }
        }
    }

    @Test func duplicateKeyPointsAtTheRepeat() throws {
        let yaml = "id: a\ndescription: x\nturns:\n  - say: hello\n    say: again\n"
        #expect(throws: LocatedError(SourceLocation(file: "x.yaml", line: 5, column: 5), problem: "duplicate key \"say\"", suggestion: "first at line 4")) {
            try ScenarioLoader.parse(yaml: yaml, file: "x.yaml", agentDirectory: agent)
        }
    }

    /// Searching a folder finds the tuning library (`calls/`); a held-out set beside it
    /// (`generalisation/`, `heldout/`) is found only when its folder is named, and every one of its
    /// scenarios loads, is tagged with its set's name and belongs to the agent above it.
    @Test func heldOutScenariosRunOnlyWhenTheirFolderIsNamed() throws {
        let library = TestPaths.repository.appendingPathComponent("sample-calls")
        let tuning = ScenarioLoader.scenarioFiles(in: [library])
        #expect(tuning.count >= 60)
        #expect(tuning.allSatisfy { $0.deletingLastPathComponent().lastPathComponent == "calls" })
        for agent in ["clinic", "orders"] {
            for (set, least) in [("generalisation", 30), ("heldout", 15)] {
                let folder = library.appendingPathComponent("\(agent)/\(set)")
                let held = ScenarioLoader.scenarioFiles(in: [folder])
                #expect(held.count >= least, "\(agent)/\(set): \(held.count) held-out scenarios")
                for file in held {
                    let scenario = try ScenarioLoader.load(file)
                    #expect(scenario.tags.contains(set), "\(file.lastPathComponent)")
                    #expect(ScenarioLoader.agentDirectory(for: file).lastPathComponent == agent)
                }
            }
        }
    }
}
