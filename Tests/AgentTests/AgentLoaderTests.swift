import Foundation
import RingsideCore
import Testing
@testable import Agent

/// Malformed agent files give a specific error with file, line, column and field.
@Suite struct AgentLoaderTests {
    static let valid = """
        name: Test
        disclosure: "I'm an AI assistant."
        greeting: "How can I help?"
        slots:
          day:
            type: date
            prompt: "Which day?"
        intents:
          - name: book
            examples: ["book an appointment"]
        flow:
          book:
            - ask: day
            - call: free_slots
              with: {day: "{day}"}
              as: free
        tools:
          free_slots:
            sql: "SELECT time FROM slots WHERE date = :day"
        escalation:
          target: "sip:desk@example.org"
        """

    func load(_ yaml: String) -> LocatedError? {
        do {
            _ = try AgentLoader.parse(yaml: yaml, file: "agent.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func validFileLoads() throws {
        let agent = try AgentLoader.parse(yaml: Self.valid, file: "agent.yaml")
        #expect(agent.tools["free_slots"]?.name == "free_slots")
        #expect(agent.steps(for: "book").count == 2)
    }

    @Test func demoAgentsLoad() throws {
        for name in ["clinic", "orders"] {
            let agent = try Fixtures.loadAgent(name)
            #expect(!agent.intents.isEmpty)
        }
        let clinic = try Fixtures.loadAgent("clinic")
        #expect(clinic.knownValues["name"]?.contains("John Smith") == true)
        #expect(clinic.vocabulary.slotValues.contains("Maria Garcia"))
        #expect(clinic.vocabulary.phrases.contains("I'd like to book an appointment"))
    }

    @Test func badYAMLNamesLineAndColumn() throws {
        let yaml = Self.valid.replacingOccurrences(of: "greeting: \"How can I help?\"", with: "greeting: \"How can I help?\n  bad: [unclosed")
        let error = try #require(load(yaml))
        #expect(error.location.file == "agent.yaml")
        #expect(error.location.line >= 3)
        #expect(error.location.column > 0)
        #expect(error.problem.contains("YAML syntax error"))
    }

    @Test func unknownKeyIsAnErrorWithSuggestion() throws {
        let yaml = Self.valid.replacingOccurrences(of: "greeting:", with: "greting:")
        let error = try #require(load(yaml))
        #expect(error.location.line == 3)
        #expect(error.location.column == 1)
        #expect(error.field == "greting")
        #expect(error.problem == "unknown key 'greting'")
        #expect(error.suggestion?.contains("did you mean 'greeting'?") == true)
    }

    @Test func nestedUnknownKeyIsLocated() throws {
        let yaml = Self.valid.replacingOccurrences(of: "      as: free", with: "      as: free\n      retries: 3")
        let error = try #require(load(yaml))
        #expect(error.location.line == 17)
        #expect(error.location.column == 7)
        #expect(error.field == "flow.book.1.retries")
    }

    @Test func wrongTypeIsLocated() throws {
        let yaml = Self.valid + "\npolicies:\n  max_misunderstandings: two\n"
        let error = try #require(load(yaml))
        #expect(error.location.line == 23)
        #expect(error.location.column == 26)
        #expect(error.field?.hasSuffix("max_misunderstandings") == true)
        #expect(error.problem.contains("wrong type"))
        #expect(error.description.hasPrefix("agent.yaml:23:26: policies.max_misunderstandings: wrong type"))
    }

    @Test func unknownToolInAFlowIsLocated() throws {
        let yaml = Self.valid.replacingOccurrences(of: "    - call: free_slots", with: "    - call: free_slot")
        let error = try #require(load(yaml))
        #expect(error.location.line == 14)
        #expect(error.location.column == 13)
        #expect(error.problem == "unknown tool 'free_slot'")
        #expect(error.suggestion?.contains("did you mean 'free_slots'?") == true)
    }

    /// `if_unknown` is the way forward for a value nobody has, so it needs a closed vocabulary;
    /// its `then` is a known transition. Both errors name the line.
    @Test func ifUnknownNeedsAVocabularyAndAKnownTransition() throws {
        let withoutVocabulary = Self.valid.replacingOccurrences(of: "    prompt: \"Which day?\"",
                                                                with: "    prompt: \"Which day?\"\n    if_unknown: {then: escalate}")
        let error = try #require(load(withoutVocabulary))
        #expect(error.location.line == 8, "\(error)")
        #expect(error.field == "slots.day.if_unknown")
        #expect(error.problem.contains("needs a closed vocabulary"))
        let badThen = Self.valid.replacingOccurrences(of: "    prompt: \"Which day?\"",
                                                      with: "    prompt: \"Which day?\"\n    values: [monday, tuesday]\n    if_unknown: {say: \"No {day}.\", then: transfer}")
        let bad = try #require(load(badThen))
        #expect(bad.location.line == 9, "\(bad)")
        #expect(bad.problem == "invalid value")
        #expect(bad.suggestion?.contains("escalate") == true)
        let good = Self.valid.replacingOccurrences(of: "    prompt: \"Which day?\"",
                                                   with: "    prompt: \"Which day?\"\n    values: [monday, tuesday]\n    if_unknown: {say: \"No {day}.\", then: escalate}")
        #expect(load(good) == nil)
        let clinic = try Fixtures.loadAgent("clinic")
        #expect(clinic.slots["name"]?.ifUnknown?.then == .escalate)
    }

    /// A retry's `attempts` and `otherwise` belong to `then: retry`; `then: message` needs a `message`
    /// flow that records something. Each error names the line.
    @Test func boundedRetriesAndTakingAMessageAreChecked() throws {
        func withOutcome(_ outcome: String, extra: String = "") -> String {
            Self.valid.replacingOccurrences(of: "      as: free", with: "      as: free\n      if_empty: \(outcome)")
                .replacingOccurrences(of: "\ntools:", with: "\n" + extra + "tools:")
        }
        let noMessageFlow = try #require(load(withOutcome("{clear: [day], then: retry, attempts: 2, otherwise: {then: message}}")))
        #expect(noMessageFlow.location.line == 17, "\(noMessageFlow)")
        #expect(noMessageFlow.problem.contains("'then: message' needs a flow block named 'message'"), "\(noMessageFlow)")
        let notRetrying = try #require(load(withOutcome("{say: \"None.\", then: end, attempts: 2}")))
        #expect(notRetrying.location.line == 17, "\(notRetrying)")
        #expect(notRetrying.problem.contains("'attempts' counts retries"), "\(notRetrying)")
        let zero = try #require(load(withOutcome("{clear: [day], then: retry, attempts: 0}")))
        #expect(zero.problem.contains("1 or more"), "\(zero)")
        let retryAgain = try #require(load(withOutcome("{clear: [day], then: retry, otherwise: {then: retry}}")))
        #expect(retryAgain.problem.contains("cannot retry again"), "\(retryAgain)")
        let messageFlowReadOnly = "  message:\n    - ask: day\n    - call: free_slots\n      with: {day: \"{day}\"}\n"
        let recordsNothing = try #require(load(withOutcome("{clear: [day], then: retry, attempts: 2, otherwise: {then: message}}", extra: messageFlowReadOnly)))
        #expect(recordsNothing.problem.contains("records nothing"), "\(recordsNothing)")
        #expect(load(withOutcome("{clear: [day], then: retry, attempts: 2, otherwise: {say: \"Sorry.\", then: escalate}}")) == nil)
        let clinic = try Fixtures.loadAgent("clinic")
        let identify = try #require(clinic.flow["identify"]?.first { $0.ifEmpty != nil }?.ifEmpty)
        #expect(identify.attempts == 2 && identify.otherwise?.then == .message)
    }

    /// `sound_alikes` belongs to a read-only call given a date slot; each error names the line.
    @Test func soundAlikesAreCheckedWhereTheyStand() throws {
        let onTheCall = Self.valid.replacingOccurrences(of: "      as: free", with: "      as: free\n      sound_alikes: true")
        #expect(load(onTheCall) == nil)
        let onAnAsk = try #require(load(Self.valid.replacingOccurrences(of: "    - ask: day", with: "    - ask: day\n      sound_alikes: true")))
        #expect(onAnAsk.location.line == 14, "\(onAnAsk)")
        #expect(onAnAsk.problem.contains("belongs to a 'call' step"), "\(onAnAsk)")
        let writes = try #require(load(onTheCall.replacingOccurrences(of: "    sql: \"SELECT time FROM slots WHERE date = :day\"",
                                                                      with: "    sql: \"UPDATE slots SET patient_id = 1 WHERE date = :day\"\n    writes: true")))
        #expect(writes.problem.contains("writes, and a write is never retried"), "\(writes)")
        let noDate = try #require(load(onTheCall.replacingOccurrences(of: "    type: date", with: "    type: text")))
        #expect(noDate.location.line == 17, "\(noDate)")
        #expect(noDate.problem.contains("given no date slot"), "\(noDate)")
        let clinic = try Fixtures.loadAgent("clinic")
        #expect(clinic.flow["identify"]?.contains { $0.soundAlikes } == true)
    }

    @Test func invalidEnumValueListsChoices() throws {
        let yaml = Self.valid.replacingOccurrences(of: "type: date", with: "type: calendar")
        let error = try #require(load(yaml))
        #expect(error.location.line == 6)
        #expect(error.suggestion?.contains("date, time") == true)
    }

    @Test func escalationTransferIsReadAndChecked() throws {
        #expect(try AgentLoader.parse(yaml: Self.valid, file: "agent.yaml").escalation.transfer == .operator)
        let refer = Self.valid.replacingOccurrences(of: "target: \"sip:desk@example.org\"", with: "target: \"sip:desk@127.0.0.1:5090\"\n  transfer: refer")
        #expect(try AgentLoader.parse(yaml: refer, file: "agent.yaml").escalation.transfer == .refer)
        let unknown = try #require(load(Self.valid.replacingOccurrences(of: "target: \"sip:desk@example.org\"",
                                                                      with: "target: \"sip:desk@example.org\"\n  transfer: teleport")))
        #expect(unknown.location.line == 22, "\(unknown)")
        #expect(unknown.suggestion?.contains("operator, refer, bridge") == true, "\(unknown.problem) / \(String(describing: unknown.suggestion))")
        let notSIP = try #require(load(Self.valid.replacingOccurrences(of: "target: \"sip:desk@example.org\"", with: "target: \"front desk\"\n  transfer: bridge")))
        #expect(notSIP.problem.contains("transfer: bridge needs a SIP URI target"), "\(notSIP)")
        #expect(notSIP.location.line == 21, "\(notSIP)")
    }

    @Test func missingRequiredKeyNamesIt() throws {
        let yaml = Self.valid.replacingOccurrences(of: "escalation:\n  target: \"sip:desk@example.org\"", with: "")
        let error = try #require(load(yaml))
        #expect(error.problem == "missing required key 'escalation'")
    }

    @Test func writeWithoutConfirmationIsRejected() throws {
        let yaml = Self.valid.replacingOccurrences(of: "SELECT time FROM slots WHERE date = :day\"", with: "UPDATE slots SET taken = 1 WHERE date = :day\"\n    writes: true")
        let error = try #require(load(yaml))
        #expect(error.problem.contains("no confirm step comes before it"))
        #expect(error.location.line == 14)
    }

    @Test func missingToolArgumentIsRejected() throws {
        let yaml = Self.valid.replacingOccurrences(of: "      with: {day: \"{day}\"}\n", with: "")
        let error = try #require(load(yaml))
        #expect(error.problem.contains("does not pass 'day'"))
    }

    @Test func llmRequirementMustCheckTheToolsOwnArguments() throws {
        let yaml = Self.valid.replacingOccurrences(of: "SELECT time FROM slots WHERE date = :day\"", with: """
            SELECT time FROM slots WHERE date = :day"
                llm: true
                requires:
                  - sql: "SELECT 1 FROM slots WHERE date = :dya"
                    problem: "no such day"
            """)
        let error = try #require(load(yaml))
        #expect(error.problem.contains("placeholder ':dya' is not a parameter of free_slots"), "\(error)")
    }

    @Test func parameterFormatIsChecked() throws {
        let yaml = Self.valid.replacingOccurrences(of: "SELECT time FROM slots WHERE date = :day\"", with: """
            SELECT time FROM slots WHERE date = :day"
                parameters:
                  day: {type: integer, format: date}
            """)
        let error = try #require(load(yaml))
        #expect(error.problem.contains("format 'date' does not apply to a parameter of type integer"), "\(error)")
    }

    @Test func duplicateKeyPointsAtTheRepeat() throws {
        let top = try #require(load(Self.valid.replacingOccurrences(of: "greeting: \"How can I help?\"", with: "greeting: \"How can I help?\"\ngreeting: \"Hi\"")))
        #expect(top.description == "agent.yaml:4:1: duplicate key \"greeting\" (first at line 3)")
        let flow = try #require(load(Self.valid.replacingOccurrences(of: "with: {day: \"{day}\"}", with: "with: {day: \"{day}\", \"day\": \"{day}\"}")))
        #expect(flow.description == "agent.yaml:15:28: duplicate key \"day\" (first at line 15)")
        // Another key repeated three times in the same mapping does not hide the repeat.
        let mixed = try #require(load(Self.valid.replacingOccurrences(of: "    type: date\n", with: "    prompt: \"x\"\n    type: date\n    type: date\n    type: time\n")))
        #expect(mixed.description == "agent.yaml:10:5: duplicate key \"prompt\" (first at line 6)")
    }

    @Test func unclosedTemplateBraceIsLocatedAtTheBrace() throws {
        let error = try #require(load(Self.valid.replacingOccurrences(of: "prompt: \"Which day?\"", with: "prompt: \"Which {day?\"")))
        #expect(error.description == "agent.yaml:7:20: slots.day.prompt: unclosed \"{\" in template \"Which {day?\" (write a placeholder as {name} or {result.field})")
        let stray = try #require(load(Self.valid.replacingOccurrences(of: "with: {day: \"{day}\"}", with: "with: {day: \"day}\"}")))
        #expect(stray.location == SourceLocation(file: "agent.yaml", line: 15, column: 23))
        #expect(stray.problem == "\"}\" without a \"{\" in template \"day}\"")
    }

    @Test func unknownPlaceholderIsLocatedWithSuggestion() throws {
        let error = try #require(load(Self.valid.replacingOccurrences(of: "with: {day: \"{day}\"}", with: "with: {day: \"{dya}\"}")))
        #expect(error.location == SourceLocation(file: "agent.yaml", line: 15, column: 20))
        #expect(error.field == "flow.book.1.with.day")
        #expect(error.problem == "unknown placeholder \"{dya}\"")
        #expect(error.suggestion?.hasPrefix("did you mean 'day'?") == true)
        let filter = try #require(load(Self.valid.replacingOccurrences(of: "      as: free", with: "      as: free\n      say: \"At {free.*time|tme}.\"")))
        #expect(filter.location == SourceLocation(file: "agent.yaml", line: 17, column: 16))
        #expect(filter.problem == "unknown filter \"|tme\" in \"{free.*time|tme}\"")
        // Bound results, slots and built-in names all pass.
        #expect(load(Self.valid.replacingOccurrences(of: "      as: free", with: "      as: free\n      say: \"On {day} ({today}, {agent}) I have {free.*time|time}.\"")) == nil)
    }

    @Test func missingSeedNamesTheAgentLine() throws {
        let folder = Fixtures.temporaryFolder()
        try (Self.valid + "\ndatabase:\n  seed: nothere.sql\n").write(to: folder.appendingPathComponent("agent.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: LocatedError(SourceLocation(file: folder.appendingPathComponent("agent.yaml").path, line: 23, column: 9), field: "database.seed",
                                     problem: "no seed file 'nothere.sql' in \(folder.path)",
                                     suggestion: "give the SQL file that creates the agent's database, relative to the agent folder")) {
            try AgentLoader.load(directory: folder)
        }
    }

    @Test func brokenSeedNamesItsLineAndColumn() throws {
        let folder = Fixtures.temporaryFolder()
        try (Self.valid + "\ndatabase:\n  seed: seed.sql\n").write(to: folder.appendingPathComponent("agent.yaml"), atomically: true, encoding: .utf8)
        let seed = folder.appendingPathComponent("seed.sql")
        func failure(_ sql: String) throws -> LocatedError {
            try sql.write(to: seed, atomically: true, encoding: .utf8)
            let agent = try AgentLoader.load(directory: folder)
            do {
                _ = try AgentDatabase.create(at: folder.appendingPathComponent("agent.sqlite"), definition: agent)
            } catch {
                return error
            }
            throw LocatedError(SourceLocation(file: seed.path), problem: "the broken seed was accepted")
        }
        let syntax = try failure("CREATE TABLE slots (date TEXT, time TEXT);\n-- two rows\nINSERT INTO slots VALUES ('2026-03-03', '09:00');\n  INSERT INTO slots VALUES ('2026-03-04', '10:00') ,;\n")
        #expect(syntax.description == "\(seed.path):4:53: the seed SQL failed: near \";\": syntax error (fix this statement; the agent's database is built from this file)")
        let typo = try failure("CREATE TABLE slots (date TEXT, time TEXT);\nINSRT INTO slots VALUES ('2026-03-03', '09:00');\n")
        #expect(typo.location == SourceLocation(file: seed.path, line: 2, column: 1))
        #expect(typo.problem == "the seed SQL failed: near \"INSRT\": syntax error")
        let table = try failure("CREATE TABLE slots (date TEXT, time TEXT);\nINSERT INTO slots VALUES ('x', 'y');\nINSERT INTO slot VALUES ('x', 'y');\n")
        #expect(table.location == SourceLocation(file: seed.path, line: 3, column: 13))
        let constraint = try failure("CREATE TABLE t (id INTEGER PRIMARY KEY);\nINSERT INTO t VALUES (1);\n\n    /* again */ INSERT INTO t VALUES (1);\n")
        #expect(constraint.location == SourceLocation(file: seed.path, line: 4, column: 17))
        #expect(constraint.problem == "the seed SQL failed: UNIQUE constraint failed: t.id")
    }
}
