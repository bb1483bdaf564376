@testable import Agent

/// One scripted text conversation and what must be true after it.
struct ConversationCase: Sendable, CustomTestStringConvertible {
    var name: String
    var lines: [(String, OperatorAction)]
    var approval: ApprovalMode = .ask
    /// Phrases the agent must have said (case-insensitive).
    var says: [String] = []
    var neverSays: [String] = []
    /// SQL checks on the database afterwards: query and the expected first value (nil = NULL or no row).
    var checks: [(String, String?)] = []
    var handoff = false
    var hangUp = false
    /// Tools that must (not) have been called successfully.
    var called: [String] = []
    var notCalled: [String] = []

    var testDescription: String { name }

    init(_ name: String, _ lines: [String], approval: ApprovalMode = .ask, operator action: OperatorAction = .none, says: [String] = [], neverSays: [String] = [], checks: [(String, String?)] = [], handoff: Bool = false, hangUp: Bool = false, called: [String] = [], notCalled: [String] = []) {
        self.name = name
        self.lines = lines.map { ($0, action) }
        self.approval = approval
        self.says = says
        self.neverSays = neverSays
        self.checks = checks
        self.handoff = handoff
        self.hangUp = hangUp
        self.called = called
        self.notCalled = notCalled
    }
}

import Testing
import RingsideCore

extension ConversationCase {
    /// Runs the case against a fresh database and checks everything it promises.
    func run(agent: String) async throws -> ScriptedCall {
        var call = try await ScriptedCall(agent: agent, approval: approval)
        for (line, action) in lines {
            let turn = await call.say(line, operator: action)
            if turn.handoff != nil || turn.hangUp { break }
        }
        let transcript = call.transcript.lowercased()
        for phrase in says {
            #expect(transcript.contains(phrase.lowercased()), "\(name): expected the agent to say “\(phrase)”\n\(call.transcript)")
        }
        for phrase in neverSays {
            #expect(!transcript.contains(phrase.lowercased()), "\(name): the agent should not say “\(phrase)”\n\(call.transcript)")
        }
        for (query, expected) in checks {
            let actual = try call.scalar(query)
            #expect(actual == expected, "\(name): \(query) gave \(actual ?? "NULL"), expected \(expected ?? "NULL")\n\(call.transcript)")
        }
        #expect((call.turns.last?.handoff != nil) == handoff, "\(name): handoff expected \(handoff)\n\(call.transcript)")
        #expect((call.turns.last?.hangUp ?? false) == hangUp, "\(name): hang-up expected \(hangUp)\n\(call.transcript)")
        let succeeded = Set(call.events.events.compactMap { event -> String? in
            if case .toolFinished(let trace) = event.payload { return trace.tool }
            return nil
        })
        for tool in called { #expect(succeeded.contains(tool), "\(name): expected a successful \(tool) call") }
        for tool in notCalled { #expect(!succeeded.contains(tool), "\(name): \(tool) should not have run") }
        return call
    }
}
