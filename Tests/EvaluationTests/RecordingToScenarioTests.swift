import Foundation
import RingsideCore
import Session
import Audio
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

    /// A recording of a remote agent, as `ringside supervise` writes one: the agent heard (not known),
    /// a takeover in the middle. `CallRecorder` writes it; audio of the caller's turns on the left.
    static func remoteRecording() throws -> URL {
        let dir = try TestPaths.temporaryDirectory("remote-recording").appendingPathComponent("call")
        let recorder = try CallRecorder(directory: dir, rate: .hz16000, meta: ["agent": "remote agent (supervised)"])
        func at(_ s: Double, _ payload: CallEventPayload) { recorder.observe(CallEvent(callID: "r", turn: 0, time: .seconds(s), stage: .stt, payload: payload)) }
        at(0, .callStarted(agent: "remote", transport: "sip"))
        at(0.5, .farEndHeard(text: "Hello, you have reached the riverside clinic"))
        at(2, .speechStarted(speaker: .caller))
        at(3, .speechStopped(speaker: .caller, trueEnd: .seconds(3)))
        at(3.2, .finalTranscript(speaker: .caller, text: "when are you open", confidence: 0.9))
        at(4, .farEndHeard(text: "we are open weekdays from nine until five"))
        at(5, .takeover(by: "operator"))
        at(5.5, .speechStarted(speaker: .caller))
        at(6, .finalTranscript(speaker: .caller, text: "is a person there", confidence: 0.9))
        at(6.5, .farEndHeard(text: "yes this is the manager speaking"))
        at(7, .handback(context: "caller: is a person there"))
        at(8, .speechStarted(speaker: .caller))
        at(9, .finalTranscript(speaker: .caller, text: "thank you goodbye", confidence: 0.9))
        at(10, .callEnded(reason: "the caller hung up"))
        let tone = (0..<320).map { Int16(8000 * sin(Double($0) * 0.3)) }
        for _ in 0..<500 { recorder.record(caller: AudioFrame(rate: .hz16000, samples: tone, timestamp: .zero), agent: nil) }
        recorder.close()
        return dir
    }

    /// The remote agent's scenario: the caller's lines outside the takeover, each expecting some of the
    /// words the agent was heard to answer with (none for the last: it was not heard answering), the
    /// call its opening words; no tool, escalation or approval assertions (not observable over SIP).
    @Test func aRemoteAgentsRecordingExpectsWhatTheAgentWasHeardToSay() throws {
        let recording = try Self.remoteRecording()
        let file = try TestPaths.temporaryDirectory("remote-scenario").appendingPathComponent("calls/incident.yaml")
        try RecordingToScenario.writeScenario(recording: recording, agentDirectory: nil, to: file)
        let scenario = try ScenarioLoader.load(file)
        #expect(scenario.turns.compactMap(\.spokenText) == ["when are you open", "thank you goodbye"])
        #expect(scenario.turns.allSatisfy { $0.audioFile != nil })
        #expect(scenario.turns.map(\.expect.agentSays) == [["weekdays|until"], []])
        #expect(scenario.assertions.agentSays == ["riverside|reached|clinic"])
        #expect(scenario.assertions.toolsCalled.isEmpty && scenario.assertions.escalation == nil && scenario.assertions.approvalRequested == nil)
    }

    /// The caller's audio is the scenario's voice: a recording whose call.wav is missing or is not a
    /// WAV cannot become one with clips, and the error names the file.
    @Test func aMissingOrCorruptAudioFileIsAnErrorNamingIt() throws {
        let recording = try Self.remoteRecording()
        let wav = recording.appendingPathComponent(CallRecorder.FileName.audio)
        let file = try TestPaths.temporaryDirectory("remote-scenario-broken").appendingPathComponent("calls/incident.yaml")
        try Data("RIFF....WAVEjunk, not a header".utf8).write(to: wav)
        #expect { try RecordingToScenario.writeScenario(recording: recording, agentDirectory: nil, to: file) } throws: { error in
            "\(error)".hasPrefix(wav.path + ": not a readable WAV file")
        }
        try FileManager.default.removeItem(at: wav)
        #expect { try RecordingToScenario.writeScenario(recording: recording, agentDirectory: nil, to: file) } throws: { error in
            "\(error)" == wav.path + ": missing; the caller's audio cannot be cut into the scenario's clips"
        }
        #expect(!FileManager.default.fileExists(atPath: file.path), "no scenario is written")
    }
}
