import Foundation
import GRDB
import Logging
import RingsideCore

/// One call with an agent, as the session drives it: greeting, caller turns, barge-in, takeover and
/// handback, approval decisions, and the end of the call.
///
/// Owns the brain, the tool layer, the approval desk, the audit log and caller memory for the call,
/// and turns every step into `CallEvent`s through the tracer.
public actor Conversation {
    public let agent: AgentDefinition
    public nonisolated let tracer: CallTracer
    public nonisolated let approvals: ApprovalDesk
    private let brain: any Brain
    private let engine: IntentEngine
    private let audit: AuditLog?
    private let memory: CallerMemory?
    private let logger: Logger
    private var callerID: String?
    private var inTakeover = false
    private var ended = false
    /// The brain before the last caller turn, and that turn's reply, for `hear(continuing:with:)`.
    private var beforeLastTurn: BrainCheckpoint?
    private var lastTurn: BrainTurn?
    /// The last reply the caller was given, whatever asked for it: `unclear()` repeats its question.
    private var lastPublished: BrainTurn?
    /// Caller turns in a row whose words could not be made out: the second is asked in other words.
    private var unclearInARow = 0
    private let memoryDate: Date
    /// Counts changes to the brain's state; a speculation taken at one count is adopted only at the same.
    private var generation = 0
    /// A speculative turn is running: everything else that touches the brain waits for it.
    private var speculating = false
    private var speculationWaiters: [CheckedContinuation<Void, Never>] = []
    /// Caller turns being answered right now: no speculation starts meanwhile.
    private var answering = 0

    public init(agent: AgentDefinition, database: DatabaseQueue?, options: ConversationOptions) throws(LocatedError) {
        self.agent = agent
        let redactor = options.redactor ?? Redactor(kinds: agent.policies.redact)
        tracer = CallTracer(callID: options.callID, clock: options.clock, redactor: redactor, emitter: options.events)
        approvals = ApprovalDesk(mode: options.approvalMode, timeoutSeconds: options.approvalTimeout ?? agent.policies.approvalTimeout, clock: options.clock, asker: options.asker, presets: options.approvalPresets)
        audit = try options.auditURL.map { url throws(LocatedError) in try AuditLog(url: url, redactor: redactor) }
        if agent.memory.enabled, let url = options.memoryURL {
            memory = try CallerMemory(url: url, retentionDays: agent.memory.retentionDays)
        } else {
            memory = nil
        }
        memoryDate = options.wallClockNow
        logger = options.logger
        let tools = ToolLayer(agent: agent, tools: options.tools ?? ToolLayer.makeTools(for: agent, database: database, environment: options.environment), tracer: tracer, approvals: approvals, audit: audit, database: database, logger: options.logger)
        let today = options.today ?? agent.referenceDate.flatMap(CalendarDay.init(iso:)) ?? CalendarDay.fromSystemDate()
        engine = IntentEngine(agent: agent, tools: tools, tracer: tracer, today: today)
        let choice = try BrainChoice.named(in: options.environment, useLLM: options.useLLM)
        let settings = BrainChoice.settings(agent.llm, environment: options.environment)
        if choice != .engine, let settings {
            let llm = LLMBrain(agent: agent, settings: settings, tools: tools, tracer: tracer, environment: options.environment, today: today,
                               onSentence: options.onSentence)
            // The LLM alone: no confidence is enough for the engine to take a request from it.
            let bypass = choice == .llm ? Double.infinity : agent.policies.llmBypassConfidence
            brain = HybridBrain(engine: engine, llm: llm, bypassConfidence: bypass, tracer: tracer)
        } else if choice != .engine, options.environment[BrainChoice.environmentKey] != nil {
            throw LocatedError(SourceLocation(file: BrainChoice.environmentKey), problem: "the \(choice.rawValue) brain needs an LLM server, and \(agent.name)'s agent file has no llm: section",
                               suggestion: "give the server's URL in \(BrainChoice.urlKey) (ringside test --llm-url)")
        } else {
            brain = engine
        }
    }

    /// The call connected: the disclosure first, a returning caller's summary, then the greeting.
    public func start(callerID: String? = nil) async -> BrainTurn {
        await changingBrain()
        self.callerID = callerID
        await audit?.append(call: tracer.callID, kind: "call_started", time: tracer.clock.now(), detail: ["agent": .string(agent.name), "caller": .string(callerID ?? "unknown")])
        tracer.emit(.brainStarted(input: ""), stage: .brain)
        var turn = await brain.respond(to: .callStarted(callerID: callerID))
        turn.asksForSensitive = await asksForSensitive(turn)
        if let memory, let callerID, let prior = try? memory.recall(caller: callerID, now: memoryDate).first {
            let disclosureCount = SentenceSplitter.split(agent.disclosure).count
            turn.sentences.insert("Welcome back. Last time, \(prior).", at: min(disclosureCount, turn.sentences.count))
        }
        publish(turn)
        return turn
    }

    /// A final transcript of the caller's words.
    public func hear(_ text: String, confidence: Double = 1) async -> BrainTurn {
        await changingBrain()
        answering += 1
        defer { answering -= 1 }
        if inTakeover {
            beforeLastTurn = nil
            lastTurn = nil
            await brain.note(.callerSaidToOperator(text))
            return BrainTurn(sentences: [], path: AnswerPath(.human, reason: "the human is answering"))
        }
        tracer.emit(.brainStarted(input: text), stage: .brain)
        unclearInARow = 0
        beforeLastTurn = await brain.checkpoint()
        var turn = await brain.respond(to: .utterance(text, confidence: confidence))
        turn.asksForSensitive = await asksForSensitive(turn)
        lastTurn = turn
        publish(turn)
        await auditEscalation(turn)
        return turn
    }

    /// The caller spoke, but the recogniser could not make out the words: asks again, the brain
    /// untouched — whatever the agent was waiting for (a slot, a yes or no) it still waits for.
    /// Not a misunderstanding: nothing was understood wrongly, nothing was heard. The second time in
    /// a row it is asked in other words: the brain's own (an example of the answer it waits for), or
    /// a plain request to say it more slowly. Re-asks in a row are bounded by the brain (`Brain.unclear()`):
    /// at its limit the caller is offered its way forward instead.
    public func unclear() async -> BrainTurn {
        await changingBrain()
        if inTakeover { return BrainTurn(sentences: [], path: AnswerPath(.human, reason: "the human is answering")) }
        tracer.emit(.brainStarted(input: ""), stage: .brain)
        unclearInARow += 1
        if var forward = await brain.unclear() {
            forward.asksForSensitive = await asksForSensitive(forward)
            publish(forward)
            await auditEscalation(forward)
            return forward
        }
        let question = lastPublished?.sentences.last { $0.hasSuffix("?") } ?? "Could you say that again?"
        let said = unclearInARow >= 2 ? await brain.askAgain() ?? [Reask.stillNotCaught, question] : [Reask.notCaught, question]
        var turn = BrainTurn(sentences: said, expects: lastPublished?.expects ?? .open,
                             intent: lastPublished?.intent, confidence: 0,
                             path: AnswerPath(.intentEngine, reason: "the caller's words could not be made out: asked again"))
        turn.asksForSensitive = await asksForSensitive(turn)
        publish(turn)
        return turn
    }

    /// The caller went on talking after `fragment`, the last turn heard: answers the whole turn
    /// (`fragment` then `rest`) as if the caller had never paused. The brain goes back to before the
    /// fragment, so a fragment's misunderstanding, its goodbye or its question back never counts.
    /// A fragment whose turn changed something (a tool that writes) cannot be taken back: then the
    /// fragment's reply stands, said first unless the caller already `heardFragmentReply`.
    public func hear(continuing fragment: String, with rest: String, confidence: Double = 1,
                     heardFragmentReply: Bool) async -> BrainTurn {
        await changingBrain()
        let wrote = lastTurn?.toolCalls.contains { agent.tools[$0.tool]?.writes ?? true } ?? false
        guard !inTakeover, !wrote, let checkpoint = beforeLastTurn else {
            let standing = heardFragmentReply || inTakeover ? [] : (lastTurn?.sentences ?? [])
            var turn = await hear(rest, confidence: confidence)
            turn.sentences = standing + turn.sentences
            return turn
        }
        await brain.restore(checkpoint)
        let whole = [fragment, rest].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return await hear(whole, confidence: confidence)
    }

    /// The caller barged in; only `heardText` of `reply` reached them and stays in context.
    /// The session, which saw the barge-in, reports it on the call's stream; this only keeps the context.
    public func heard(partialReply reply: String, heardText: String, fraction: Double) async {
        await changingBrain()
        await brain.note(.partiallyHeard(reply: reply, heard: heardText))
    }

    /// A human takes the call over; the brain stops answering until `handback()`.
    public func takeover(by operatorName: String) async {
        await changingBrain()
        inTakeover = true
        tracer.emit(.takeover(by: operatorName), stage: .session)
        await audit?.append(call: tracer.callID, kind: "takeover", time: tracer.clock.now(), detail: ["by": .string(operatorName)])
    }

    /// What the human operator said to the caller during a takeover.
    public func operatorSaid(_ text: String) async {
        await changingBrain()
        await brain.note(.operatorSaid(text))
    }

    /// The human hands the call back; their part of the conversation becomes context.
    @discardableResult
    public func handback(context: String = "") async -> BrainTurn? {
        await changingBrain()
        inTakeover = false
        tracer.emit(.handback(context: context), stage: .session)
        await brain.note(.handedBack)
        await audit?.append(call: tracer.callID, kind: "handback", time: tracer.clock.now(), detail: ["context": .string(context)])
        guard var turn = await brain.resume() else { return nil }
        turn.asksForSensitive = await asksForSensitive(turn)
        tracer.emit(.brainStarted(input: ""), stage: .brain)
        publish(turn)
        return turn
    }

    /// Handed back by someone in front of this call (`ringside supervise`), who took it over while
    /// this agent was on hold: `context` is what was said meanwhile, a "caller: …" or "operator: …"
    /// line each. The brain hears each line as it would have during a takeover of its own (the
    /// caller's words fill the slots they answer; the operator's are the human colleague's), then
    /// the call is handed back with the whole context. Lines of neither kind are context only.
    @discardableResult
    public func handback(relayed context: String) async -> BrainTurn? {
        await changingBrain()
        await hear(relayed: context)
        return await handback(context: context)
    }

    /// The same lines passed on while this agent was not taken over (nothing was paused): the brain
    /// hears them, the fact is recorded, and the conversation goes on where it is, nothing said for it.
    public func note(relayed context: String) async {
        await changingBrain()
        await hear(relayed: context)
        tracer.emit(.contextPassedOn(context: context), stage: .session)
        await audit?.append(call: tracer.callID, kind: "context", time: tracer.clock.now(), detail: ["context": .string(context)])
    }

    private func hear(relayed context: String) async {
        for line in context.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let text = parts[1].trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            switch parts[0].trimmingCharacters(in: .whitespaces).lowercased() {
            case "caller": await brain.note(.callerSaidToOperator(text))
            case "operator": await brain.note(.operatorSaid(text))
            default: break
            }
        }
    }

    /// An operator's answer to an approval request (from the TUI or a scenario).
    public func decideApproval(id: String, approved: Bool, by operatorName: String = "operator") async {
        await approvals.decide(id: id, approved: approved, by: operatorName)
    }

    /// The call ended: remember it for the caller (when allowed) and close the audit trail.
    public func end(reason: String) async {
        await changingBrain()
        guard !ended else { return }
        ended = true
        let done = await engine.completedActions
        if let memory, let callerID, !done.isEmpty {
            let summary = "you asked us to " + done.map { $0.split(separator: " ").first.map(String.init)?.replacingOccurrences(of: "_", with: " ") ?? $0 }.joined(separator: " and ")
            do {
                try memory.remember(caller: callerID, summary: summary, now: memoryDate)
            } catch {
                logger.warning("cannot store caller memory", metadata: ["error": "\(error)"])
            }
        }
        await audit?.append(call: tracer.callID, kind: "call_ended", time: tracer.clock.now(), detail: ["reason": .string(reason), "done": .array(done.map { .string($0) })])
    }

    // MARK: - Speculation

    /// Works out the turn the agent would take if the caller's turn ended on `text`, without taking it:
    /// tools that write (or need approval) are refused, the facts it would publish are held, and the
    /// brain is put back as it was. Nil when the brain cannot go back (no checkpoint) or the call is
    /// not the agent's to answer.
    public func speculate(_ text: String, confidence: Double = 1) async -> SpeculativeTurn? {
        await waitForSpeculation()
        guard answering == 0, !inTakeover, !ended else { return nil }
        speculating = true
        guard let before = await brain.checkpoint() else {
            finishSpeculating()
            return nil
        }
        let scratch = SpeculationScratch()
        let turn = await SpeculationScratch.$current.withValue(scratch) { () async -> BrainTurn in
            tracer.emit(.brainStarted(input: text), stage: .brain)
            var turn = await brain.respond(to: .utterance(text, confidence: confidence))
            turn.asksForSensitive = await asksForSensitive(turn)
            publish(turn)
            return turn
        }
        let after = await brain.checkpoint()
        await brain.restore(before)
        finishSpeculating()
        guard let after else { return nil }
        return SpeculativeTurn(text: text, turn: turn, refusedTools: scratch.refused, before: before, after: after,
                               generation: generation, events: scratch.events)
    }

    /// Makes a speculation the agent's answer to the caller's turn: the brain moves to where the
    /// speculation left it and its facts are published now. False (nothing changed) when it cannot
    /// stand: a tool was refused, or the brain has moved on since it was taken.
    public func adopt(_ speculation: SpeculativeTurn) async -> Bool {
        await waitForSpeculation()
        guard speculation.isUsable, speculation.generation == generation, !inTakeover, !ended else { return false }
        generation += 1
        await brain.restore(speculation.after)
        beforeLastTurn = speculation.before
        lastTurn = speculation.turn
        for e in speculation.events { tracer.publishHeld(e.payload, stage: e.stage) }
        await auditEscalation(speculation.turn)
        return true
    }

    /// Anything that changes the brain waits for a running speculation and makes older ones stale.
    private func changingBrain() async {
        await waitForSpeculation()
        generation += 1
    }

    private func finishSpeculating() {
        speculating = false
        let waiters = speculationWaiters
        speculationWaiters = []
        for w in waiters { w.resume() }
    }

    private func waitForSpeculation() async {
        while speculating {
            await withCheckedContinuation { speculationWaiters.append($0) }
        }
    }

    /// Whether `turn` asks the caller for personal data: the intent engine waits for a sensitive
    /// slot, or (an LLM's own words) the reply repeats a sensitive slot's prompt or names one.
    private func asksForSensitive(_ turn: BrainTurn) async -> Bool {
        if await engine.awaitsSensitiveAnswer { return true }
        // The intent engine's own replies may name a sensitive slot without asking for it ("I couldn't
        // find a patient with that name and date of birth"); only the LLM's words are read for it.
        guard turn.path.answerer == .llm else { return false }
        let text = turn.text.lowercased()
        for (name, slot) in agent.slots where slot.sensitive {
            if text.contains(slot.prompt.lowercased()) || text.contains(name.replacingOccurrences(of: "_", with: " ").lowercased()) { return true }
        }
        return false
    }

    /// A turn that hands the call to a human goes into the audit trail with its summary.
    private func auditEscalation(_ turn: BrainTurn) async {
        guard let handoff = turn.handoff else { return }
        await audit?.append(call: tracer.callID, kind: "escalation", time: tracer.clock.now(), detail: ["summary": .string(handoff.summary), "target": .string(handoff.target)])
    }

    private func publish(_ turn: BrainTurn) {
        if !turn.sentences.isEmpty { lastPublished = turn }
        let expects = (try? JSONEncoder().encode(turn.expects)).map { String(decoding: $0, as: UTF8.self) }
        tracer.emit(.brainDecided(intent: turn.intent, confidence: turn.confidence, path: turn.path, reply: turn.text, expects: expects), stage: .brain)
        logger.debug("agent turn", metadata: ["reply": "\(tracer.redactor.redact(turn.text))", "path": "\(tracer.redactor.redact(turn.path.description))"])
    }
}
