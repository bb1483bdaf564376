import Foundation
import RingsideCore
import Testing
@testable import Agent

/// Tool faults injected against a real HTTP server on 127.0.0.1: each gives the defined fallback,
/// the right number of attempts, trace events and audit entries.
@Suite(.serialized) struct ToolFaultTests {
    static func agentYAML(url: String) -> String {
        """
        name: Carrier desk
        disclosure: "I'm an AI assistant."
        greeting: "Hi."
        intents:
          - name: eta
            examples: ["when will my parcel arrive"]
        flow:
          eta:
            - call: carrier_eta
              with: {order: "10427"}
              as: eta
              say: "It arrives {eta.eta} with {eta.carrier}."
        tools:
          carrier_eta:
            http:
              url: "\(url)"
              headers_from_env: {X-Api-Key: CARRIER_KEY}
              timeout: 0.5
              retries: 2
              backoff: 0.01
              response: {eta: string, carrier: string}
            parameters:
              order: {type: string}
            fallback: "Sorry, I can't reach the carrier right now."
        escalation:
          target: "sip:desk@example.org"
        """
    }

    struct Outcome {
        var turn: BrainTurn
        var events: [CallEvent]
        var audit: [AuditEntry]
        var auditText: String
    }

    static func call(url: String) async throws -> Outcome {
        let folder = Fixtures.temporaryFolder()
        var agent = try AgentLoader.parse(yaml: agentYAML(url: url), file: "agent.yaml")
        agent.directory = folder
        let events = EventCollector()
        let auditURL = folder.appendingPathComponent("audit.jsonl")
        let options = ConversationOptions(callID: "fault", clock: MonotonicClock(), events: events, approvalMode: .denyAll, auditURL: auditURL, environment: ["CARRIER_KEY": "secret-key"])
        let conversation = try Conversation(agent: agent, database: nil, options: options)
        _ = await conversation.start()
        let turn = await conversation.hear("when will my parcel arrive")
        await conversation.end(reason: "test")
        let text = try String(contentsOf: auditURL, encoding: .utf8)
        let entries = text.split(separator: "\n").compactMap { try? JSONDecoder().decode(AuditEntry.self, from: Data($0.utf8)) }
        return Outcome(turn: turn, events: events.events, audit: entries, auditText: text)
    }

    static func failures(_ events: [CallEvent]) -> [(ToolCallTrace, String)] {
        events.compactMap { if case .toolFailed(let t, let e) = $0.payload { return (t, e) } else { return nil } }
    }

    /// `${NAME}` in a URL comes from the environment; an unset variable fails the call, naming it.
    @Test func urlTakesPartsFromTheEnvironment() async throws {
        #expect(try HTTPTool.expand("${BASE}/track?x=${Q}", environment: ["BASE": "http://127.0.0.1:9", "Q": "1"]) == "http://127.0.0.1:9/track?x=1")
        #expect(try HTTPTool.expand("http://127.0.0.1/plain", environment: [:]) == "http://127.0.0.1/plain")
        #expect(throws: ToolError.unreachable("the URL needs the environment variable BASE, which is not set")) {
            try HTTPTool.expand("${BASE}/track", environment: [:])
        }
        let server = try LocalServer()
        defer { server.stop() }
        let folder = Fixtures.temporaryFolder()
        var agent = try AgentLoader.parse(yaml: Self.agentYAML(url: "${CARRIER_BASE}/tool/ok"), file: "agent.yaml")
        agent.directory = folder
        let options = ConversationOptions(callID: "env-url", clock: MonotonicClock(), approvalMode: .denyAll, environment: ["CARRIER_BASE": server.base])
        let conversation = try Conversation(agent: agent, database: nil, options: options)
        _ = await conversation.start()
        let turn = await conversation.hear("when will my parcel arrive")
        #expect(turn.text.contains("It arrives 2026-03-05 with Speedy."), "\(turn.text)")
    }

    @Test func successSendsHeaderAndIsAudited() async throws {
        let server = try LocalServer()
        defer { server.stop() }
        let outcome = try await Self.call(url: server.base + "/tool/ok")
        #expect(outcome.turn.text.contains("It arrives 2026-03-05 with Speedy."))
        #expect(outcome.turn.handoff == nil)
        let log = try server.log()
        #expect(log.counts["/tool/ok"] == 1)
        #expect(log.bodies.first?["auth"] == "secret-key")
        #expect(log.bodies.first?["body"] == #"{"order":"10427"}"#)
        #expect(outcome.audit.filter { $0.kind == "tool" }.count == 1)
        #expect(AuditVerifier.verify(text: outcome.auditText) == .intact(entries: outcome.audit.count))
        let finished = outcome.events.compactMap { if case .toolFinished(let t) = $0.payload { return t } else { return nil } }
        #expect(finished.count == 1)
        #expect(finished.first?.attempt == 1)
        #expect((finished.first?.durationMs ?? -1) >= 0)
    }

    @Test(arguments: [
        ("/tool/slow", 3, "no answer within 0.5 s"),
        ("/tool/500", 3, "the server answered HTTP 500"),
        ("/tool/malformed", 1, "the response is not valid JSON"),
        ("/tool/schema", 1, "the response does not match the declared schema: the response has no 'carrier'"),
    ])
    func faultGivesFallbackRetriesAndAudit(path: String, attempts: Int, error: String) async throws {
        let server = try LocalServer()
        defer { server.stop() }
        let outcome = try await Self.call(url: server.base + path)
        // The defined spoken fallback, then escalation once the attempts are exhausted.
        #expect(outcome.turn.sentences.first == "Sorry, I can't reach the carrier right now.")
        #expect(outcome.turn.handoff?.reason == "carrier_eta failed after every attempt")
        let log = try server.log()
        #expect(log.counts[path] == attempts)
        let failures = Self.failures(outcome.events)
        #expect(failures.map(\.0.attempt) == Array(1...attempts))
        #expect(failures.allSatisfy { $0.1.hasPrefix(error) })
        let audited = outcome.audit.filter { $0.kind == "tool_failed" }
        #expect(audited.count == attempts)
        #expect(audited.last?.detail["error"]?.stringValue?.hasPrefix(error) == true)
        #expect(outcome.audit.contains { $0.kind == "escalation" })
        #expect(AuditVerifier.verify(text: outcome.auditText) == .intact(entries: outcome.audit.count))
    }

    @Test func unreachableServerIsRetriedThenEscalated() async throws {
        // A port nobody listens on: grab a free one from a server we then stop.
        let server = try LocalServer()
        let url = server.base + "/tool/ok"
        server.stop()
        let outcome = try await Self.call(url: url)
        #expect(outcome.turn.sentences.first == "Sorry, I can't reach the carrier right now.")
        #expect(Self.failures(outcome.events).count == 3)
        #expect(outcome.turn.handoff != nil)
    }

    static func execTool(_ command: [String], timeout: Double) throws -> ExecTool {
        let list = "[" + command.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let definition = try YAMLDecoderShim.decodeTool("exec:\n  command: \(list)\n  timeout: \(timeout)\n")
        guard case .exec(let spec) = definition.kind else { throw CocoaError(.coderInvalidValue) }
        return ExecTool(definition: definition, spec: spec, directory: Fixtures.temporaryFolder())
    }

    @Test func execRoundTripsJSON() async throws {
        let tool = try Self.execTool(["/bin/sh", "-c", "cat"], timeout: 5)
        let result = try await tool.call(["order": "10427", "n": .number(3)])
        #expect(result == ["order": "10427", "n": .number(3)])
    }

    @Test func execIsKilledOnTimeout() async throws {
        let tool = try Self.execTool(["/bin/sh", "-c", "sleep 30"], timeout: 0.3)
        let started = ContinuousClock.now
        await #expect(throws: ToolError.timeout(seconds: 0.3)) { try await tool.call([:]) }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func execNonJSONOutputIsMalformed() async throws {
        let tool = try Self.execTool(["/bin/sh", "-c", "echo hello"], timeout: 5)
        await #expect(throws: ToolError.malformedResponse("stdout is not JSON")) { try await tool.call([:]) }
    }
}

import Yams

/// Decodes a single tool definition from YAML, for tests.
enum YAMLDecoderShim {
    static func decodeTool(_ yaml: String) throws -> ToolDefinition {
        try YAMLDecoder().decode(ToolDefinition.self, from: yaml)
    }
}
