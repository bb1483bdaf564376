import Foundation
import RingsideCore
import Testing
@testable import Agent

/// Returning-caller memory with retention, per-call caching of read-only tools, barge-in context.
@Suite struct MemoryAndCacheTests {
    func conversation(agent: AgentDefinition, folder: URL, now: Date, events: EventCollector = EventCollector()) throws -> Conversation {
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("db-\(UUID().uuidString).sqlite"), definition: agent)
        let options = ConversationOptions(callID: "mem", clock: VirtualClock(), events: events, approvalMode: .approveAll,
                                          memoryURL: folder.appendingPathComponent("memory.sqlite"), wallClockNow: now)
        return try Conversation(agent: agent, database: database, options: options)
    }

    @Test func returningCallerHearsASummaryUntilRetentionEnds() async throws {
        let agent = try Fixtures.loadAgent("clinic")
        let folder = Fixtures.temporaryFolder()
        let day0 = Date(timeIntervalSince1970: 1_772_409_600)
        let first = try conversation(agent: agent, folder: folder, now: day0)
        _ = await first.start(callerID: "+15550123")
        for line in ["book an appointment", "John Smith", "March 4th 1980", "Tuesday", "9 am", "yes"] { _ = await first.hear(line) }
        await first.end(reason: "done")

        let second = try conversation(agent: agent, folder: folder, now: day0.addingTimeInterval(2 * 86_400))
        let greeting = await second.start(callerID: "+15550123")
        #expect(greeting.sentences.prefix(2).joined(separator: " ") == agent.disclosure, "the disclosure still comes first")
        #expect(greeting.text.contains("Welcome back. Last time, you asked us to book slot."))

        let stranger = try conversation(agent: agent, folder: folder, now: day0.addingTimeInterval(2 * 86_400))
        #expect(!(await stranger.start(callerID: "+15559999")).text.contains("Welcome back"))

        let late = try conversation(agent: agent, folder: folder, now: day0.addingTimeInterval(31 * 86_400))
        #expect(!(await late.start(callerID: "+15550123")).text.contains("Welcome back"), "deleted after 30 days")
    }

    @Test func readOnlyResultsAreCachedWithinACall() async throws {
        let agent = try Fixtures.loadAgent("orders")
        let events = EventCollector()
        let call = try conversation(agent: agent, folder: Fixtures.temporaryFolder(), now: Date(), events: events)
        _ = await call.start()
        _ = await call.hear("what's the status of order 10427")
        _ = await call.hear("I need to change the delivery address")
        let lookups = events.events.compactMap { event -> ToolCallTrace? in
            if case .toolFinished(let trace) = event.payload, trace.tool == "order_lookup" { return trace }
            return nil
        }
        #expect(lookups.count >= 1)
        #expect(lookups.first?.attempt == 1)
    }

    @Test func toolLayerServesRepeatsFromCacheUntilTTL() async throws {
        let agent = try Fixtures.loadAgent("orders")
        let folder = Fixtures.temporaryFolder()
        let database = try AgentDatabase.create(at: folder.appendingPathComponent("o.sqlite"), definition: agent)
        let clock = VirtualClock()
        let events = EventCollector(callID: "cache", clock: clock)
        let tracer = CallTracer(callID: "cache", clock: clock, redactor: Redactor(), emitter: events)
        let layer = ToolLayer(agent: agent, tools: ToolLayer.makeTools(for: agent, database: database), tracer: tracer,
                              approvals: ApprovalDesk(mode: .denyAll, timeoutSeconds: 1, clock: clock), audit: nil)
        let first = await layer.invoke("order_lookup", arguments: ["order_id": .number(10427)])
        let second = await layer.invoke("order_lookup", arguments: ["order_id": .number(10427)])
        clock.advance(by: .seconds(61))
        let third = await layer.invoke("order_lookup", arguments: ["order_id": .number(10427)])
        #expect(first == second && second == third)
        let attempts = events.events.compactMap { if case .toolFinished(let t) = $0.payload { return t.attempt } else { return nil } }
        #expect(attempts == [1, 0, 1], "second call from cache (attempt 0), third after the 60 s TTL")
    }

    @Test func bargeInKeepsOnlyWhatWasHeardForRepeat() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        let turn = await call.say("book an appointment")
        await call.conversation.heard(partialReply: turn.text, heardText: "", fraction: 0)
        let repeated = await call.say("sorry, can you repeat that")
        #expect(repeated.text == turn.text)
        let bargeIns = call.events.events.filter { if case .bargeIn = $0.payload { return true } else { return false } }
        #expect(bargeIns.isEmpty, "the session reports the barge-in it saw; the agent emits no second copy")
    }

    @Test func takeoverRoutesToTheHumanAndHandbackResumes() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        _ = await call.say("book an appointment")
        await call.conversation.takeover(by: "alice")
        let during = await call.say("John Smith")
        #expect(during.sentences.isEmpty)
        await call.conversation.operatorSaid("Thanks John, I'll hand you back to the assistant.")
        // The name the caller gave the human counts: on handback the agent asks for what is still missing.
        let resumed = await call.conversation.handback(context: "verified caller by phone")
        #expect(resumed?.text == "And your date of birth?")
    }

    /// Taken over in front of the agent (`ringside supervise`, the agent on hold knowing nothing): the
    /// context passed at handback is heard as the takeover's lines would have been. The caller's name
    /// in it fills the slot asked for, so the agent goes on to the next question; the operator's line
    /// fills nothing, and a line of neither kind is context only.
    @Test func aRelayedHandbacksCallerLinesFillTheSlotsTheyAnswer() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        let asked = await call.say("book an appointment")
        #expect(asked.text.contains("name"), "\(asked.text)")
        let resumed = await call.conversation.handback(relayed: "operator: Could you give me your name?\ncaller: John Smith\nnote: verified by phone")
        #expect(resumed?.text == "And your date of birth?")
        let contexts = call.events.events.compactMap { if case let .handback(context) = $0.payload { return context } else { return nil } }
        #expect(contexts.count == 1 && contexts.first?.contains("caller: John Smith") == true, "\(contexts)")
    }
}

extension MemoryAndCacheTests {
    @Test func scenarioPresetsDecideApprovalsByTool() async throws {
        let desk = ApprovalDesk(mode: .ask, timeoutSeconds: 30, clock: VirtualClock(), presets: ["cancel_appointment": true, "start_return": false])
        #expect(await desk.request(id: "a", tool: "cancel_appointment", arguments: "{}") == .approved(by: "scenario"))
        #expect(await desk.request(id: "b", tool: "start_return", arguments: "{}") == .denied(by: "scenario"))
    }
}
