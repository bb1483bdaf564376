import Foundation
import Testing
import TestSupport

/// `ringside test` with files that do not load: each problem is one line on stderr (not only a row of
/// the table on stdout), and the exit status is 2.
@Suite struct TestCommandErrorTests {
    var ringside: String { TestPaths.builtProduct("ringside").path }

    @Test func malformedScenariosAreReportedOnStderr() throws {
        let calls = try TestPaths.temporaryDirectory("broken-scenarios").appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)
        try "id: broken\ndescription: x\nturns:\n  - say: [unclosed\n".write(to: calls.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        try "id: twice\ndescription: x\nid: again\nturns:\n  - say: hello\n".write(to: calls.appendingPathComponent("twice.yaml"), atomically: true, encoding: .utf8)
        let run = try runProgram(ringside, ["test", "--quiet", calls.path])
        #expect(run.status == 2)
        #expect(run.stderr.split(separator: "\n").map(String.init) == [
            "ringside: \(calls.path)/broken.yaml:5:1: YAML syntax error: did not find expected ',' or ']' (check indentation, colons and quotes around this point)",
            "ringside: \(calls.path)/twice.yaml:3:1: duplicate key \"id\" (first at line 1)",
        ])
        #expect(run.stdout.contains("0 passed, 0 failed, 2 errors of 2 runs"))
    }

    @Test func anAgentThatDoesNotLoadIsReportedOnceOnStderr() throws {
        let agent = try TestPaths.temporaryDirectory("broken-agent")
        let clinic = TestPaths.repository.appendingPathComponent("sample-calls/clinic")
        let original = try String(contentsOf: clinic.appendingPathComponent("agent.yaml"), encoding: .utf8)
        let line = try #require(original.components(separatedBy: "\n").firstIndex { $0.contains("\"Thanks, {patient.first_name}.\"") }) + 1
        let yaml = original
            .replacingOccurrences(of: "\"Thanks, {patient.first_name}.\"", with: "\"Thanks, {patient.first_name.\"")
        try yaml.write(to: agent.appendingPathComponent("agent.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: clinic.appendingPathComponent("seed.sql"), to: agent.appendingPathComponent("seed.sql"))
        let calls = agent.appendingPathComponent("calls")
        try FileManager.default.createDirectory(at: calls, withIntermediateDirectories: true)
        for name in ["hours.yaml", "front-desk.yaml"] {
            try FileManager.default.copyItem(at: clinic.appendingPathComponent("calls/\(name)"), to: calls.appendingPathComponent(name))
        }
        let run = try runProgram(ringside, ["test", "--quiet", "--stt", "pocketsphinx", agent.path])
        #expect(run.status == 2)
        #expect(run.stderr.split(separator: "\n").map(String.init) == [
            "ringside: \(agent.path)/agent.yaml:\(line):21: flow.identify.2.say: unclosed \"{\" in template \"Thanks, {patient.first_name.\" (write a placeholder as {name} or {result.field})",
        ])
    }

    /// `--brain`: a server given to the engine, a brain nobody has, and the LLM brain for an agent with
    /// no server of its own and none given, each said plainly.
    @Test func aBrainThatCannotRunIsSaidPlainly() throws {
        let hours = TestPaths.repository.appendingPathComponent("sample-calls/clinic/calls/hours.yaml").path
        let engine = try runProgram(ringside, ["test", "--quiet", "--brain", "engine", "--llm-url", "http://127.0.0.1:9/v1", hours])
        #expect(engine.status != 0 && engine.stderr.contains("--llm-url and --llm-model go with --brain llm or --brain hybrid"), "\(engine.stderr)")
        let unknown = try runProgram(ringside, ["test", "--quiet", "--brain", "oracle", hours])
        #expect(unknown.status != 0 && unknown.stderr.contains("oracle") && unknown.stderr.contains("hybrid"), "\(unknown.stderr)")
        let noServer = try runProgram(ringside, ["test", "--quiet", "--stt", "pocketsphinx", "--brain", "llm", hours])
        #expect(noServer.status == 2, "\(noServer.stdout)\n\(noServer.stderr)")
        #expect((noServer.stdout + noServer.stderr).contains("RINGSIDE_BRAIN: the llm brain needs an LLM server"), "\(noServer.stdout)\n\(noServer.stderr)")
    }
}
