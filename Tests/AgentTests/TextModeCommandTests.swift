import Foundation
import Testing
@testable import Agent

/// `ringside talk --text` and `ringside audit verify` as a user runs them.
@Suite struct TextModeCommandTests {
    func binary() throws -> URL {
        try #require(Fixtures.ringsideBinary(), "build the ringside executable first (swift build)")
    }

    @Test func scriptedTalkPrintsAgentAndToolLines() throws {
        let folder = Fixtures.temporaryFolder()
        let audit = folder.appendingPathComponent("audit.jsonl")
        let input = "I'd like to book an appointment\nJohn Smith\nMarch 4th 1980\nTuesday\n9 am\nyes\nbye\n"
        let result = try Fixtures.run(binary(), ["talk", "--text", "--agent", Fixtures.agentDirectory("clinic").path, "--audit", audit.path], input: input)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("agent: Hello, you're speaking with Riverside Clinic's automated assistant. I'm an AI") == true)
        #expect(lines.contains(#"tool: find_patient {"dob":"[redacted]","name":"John Smith"} -> [{"first_name":"John","id":1,"last_name":"Smith"}]"#))
        #expect(lines.contains { $0.hasPrefix("tool: book_slot ") && $0.hasSuffix(#"-> {"changes":1}"#) })
        #expect(lines.contains("agent: You're booked for Tuesday the 3rd of March at 9 am. Is there anything else I can help you with?"))
        #expect(lines.last == "agent: Thank you for calling Riverside Clinic. Goodbye!")
        #expect(!result.stdout.contains("1980"))
        // The repository's seed is untouched: a second run can book the same slot again.
        let again = try Fixtures.run(binary(), ["talk", "--text", "--agent", Fixtures.agentDirectory("clinic").path], input: input)
        #expect(again.stdout.contains("You're booked for Tuesday the 3rd of March at 9 am"))

        let verified = try Fixtures.run(binary(), ["audit", "verify", audit.path])
        #expect(verified.status == 0)
        #expect(verified.stdout.contains("chain intact"))
        var auditLines = try String(contentsOf: audit, encoding: .utf8).split(separator: "\n").map(String.init)
        auditLines[2] = auditLines[2].replacingOccurrences(of: #""kind":""#, with: #""kind":"edited-"#)
        try (auditLines.joined(separator: "\n") + "\n").write(to: audit, atomically: true, encoding: .utf8)
        let tampered = try Fixtures.run(binary(), ["audit", "verify", audit.path])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("\(audit.path):3: tampered"))
    }

    @Test func jsonModePrintsEvents() throws {
        let result = try Fixtures.run(binary(), ["talk", "--text", "--json", "--agent", Fixtures.agentDirectory("orders").path], input: "where is order 10427\n")
        #expect(result.status == 0, "\(result.stderr)")
        let events = result.stdout.split(separator: "\n").compactMap { JSONValue.parse(String($0)) }
        #expect(events.count == result.stdout.split(separator: "\n").count)
        #expect(events.contains { $0["payload"]?["toolFinished"] != nil })
        #expect(events.contains { $0["payload"]?["brainDecided"]?["reply"]?.stringValue?.contains("is processing") == true })
    }

    @Test func approveFlagAnswersApprovals() throws {
        let input = "I want to cancel my appointment\nJohn Smith\nMarch 4th 1980\nyes\n"
        let approved = try Fixtures.run(binary(), ["talk", "--text", "--approve", "all", "--agent", Fixtures.agentDirectory("clinic").path], input: input)
        #expect(approved.stdout.contains("approval: ") && approved.stdout.contains("approved by policy"))
        #expect(approved.stdout.contains("Your appointment is cancelled"))
        let denied = try Fixtures.run(binary(), ["talk", "--text", "--approve", "none", "--agent", Fixtures.agentDirectory("clinic").path], input: input)
        #expect(denied.stdout.contains("denied by policy"))
        #expect(denied.stdout.contains("still booked"))
    }

    @Test func malformedAgentFileIsReportedWithLocation() throws {
        let folder = Fixtures.temporaryFolder()
        let yaml = try String(contentsOf: Fixtures.agentDirectory("clinic").appendingPathComponent("agent.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    - call: find_patient", with: "    - call: find_patients")
        try yaml.write(to: folder.appendingPathComponent("agent.yaml"), atomically: true, encoding: .utf8)
        let result = try Fixtures.run(binary(), ["talk", "--text", "--agent", folder.path], input: "")
        #expect(result.status == 2)
        #expect(result.stderr.contains("agent.yaml:"))
        #expect(result.stderr.contains("unknown tool 'find_patients'"))
        #expect(result.stderr.contains("did you mean 'find_patient'?"))
    }

    /// A copy of the clinic agent with `edit` applied to one of its files; returns the folder.
    func clinic(editing name: String, _ edit: (String) -> String) throws -> URL {
        let folder = Fixtures.temporaryFolder()
        for file in ["agent.yaml", "seed.sql"] {
            let text = try String(contentsOf: Fixtures.agentDirectory("clinic").appendingPathComponent(file), encoding: .utf8)
            try (file == name ? edit(text) : text).write(to: folder.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// The line (from 1) of the clinic's `file` that holds `text`: the expected location follows the
    /// sample agent as it is edited.
    func lineNumber(of text: String, inClinic file: String) throws -> Int {
        let lines = try String(contentsOf: Fixtures.agentDirectory("clinic").appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    /// Runs `talk --text` on a broken agent: exit 2, nothing on stdout, exactly `line` on stderr.
    func expectOneLine(_ folder: URL, _ line: String) throws {
        let result = try Fixtures.run(binary(), ["talk", "--text", "--agent", folder.path], input: "")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "ringside: " + line + "\n")
    }

    @Test func duplicateKeyIsOneLineAtTheRepeat() throws {
        let folder = try clinic(editing: "agent.yaml") { $0.replacingOccurrences(of: "greeting: ", with: "name: Riverside Again\ngreeting: ") }
        try expectOneLine(folder, "\(folder.path)/agent.yaml:4:1: duplicate key \"name\" (first at line 2)")
    }

    @Test func unclosedTemplateBraceFailsTheLoad() throws {
        let folder = try clinic(editing: "agent.yaml") { $0.replacingOccurrences(of: "\"Thanks, {patient.first_name}.\"", with: "\"Thanks, {patient.first_name.\"") }
        let line = try lineNumber(of: "\"Thanks, {patient.first_name}.\"", inClinic: "agent.yaml")
        try expectOneLine(folder, "\(folder.path)/agent.yaml:\(line):21: flow.identify.2.say: unclosed \"{\" in template \"Thanks, {patient.first_name.\" (write a placeholder as {name} or {result.field})")
    }

    @Test func missingAndBrokenSeedsNameTheirLine() throws {
        let missing = try clinic(editing: "agent.yaml") { $0.replacingOccurrences(of: "seed: seed.sql", with: "seed: seeds.sql") }
        try expectOneLine(missing, "\(missing.path)/agent.yaml:9:9: database.seed: no seed file 'seeds.sql' in \(missing.path) (give the SQL file that creates the agent's database, relative to the agent folder)")
        let broken = try clinic(editing: "seed.sql") { $0.replacingOccurrences(of: "(3, 'Wei', 'Chen', '1990-07-15')", with: "(3, 'Wei', 'Chen' '1990-07-15')") }
        let line = try lineNumber(of: "(3, 'Wei', 'Chen', '1990-07-15')", inClinic: "seed.sql")
        try expectOneLine(broken, "\(broken.path)/seed.sql:\(line):23: the seed SQL failed: near \"'1990-07-15'\": syntax error (fix this statement; the agent's database is built from this file)")
    }
}
