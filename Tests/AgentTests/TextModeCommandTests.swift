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
        #expect(result.status == 1)
        #expect(result.stderr.contains("agent.yaml:"))
        #expect(result.stderr.contains("unknown tool 'find_patients'"))
        #expect(result.stderr.contains("did you mean 'find_patient'?"))
    }
}
