import Foundation
import RingsideCore

/// Routes each caller turn: the intent engine answers what it recognises confidently (and every
/// turn of a flow already under way); the LLM answers the rest, and the caller's answer to its
/// read-back; if the LLM fails (unreachable, an empty reply, arguments that do not parse, past its
/// time budget), an error event says why and the intent engine answers after all. The turn's `path`
/// says which answered and why. Changes the LLM made are recorded with the engine's, so the handoff
/// summary and caller memory show them. With an infinite `bypassConfidence` it is the LLM-only brain
/// (`BrainChoice.llm`): the engine answers only a flow it started (the way forward, a fallback).
/// Re-asks in a row are counted in one place, the engine's, whoever answered: its bound
/// (`max_misunderstandings`, then the agent file's way forward) holds for the LLM too.
public actor HybridBrain: Brain {
    private let engine: IntentEngine
    private let llm: LLMBrain
    private let bypassConfidence: Double
    private let tracer: CallTracer?

    public init(engine: IntentEngine, llm: LLMBrain, bypassConfidence: Double, tracer: CallTracer? = nil) {
        self.engine = engine
        self.llm = llm
        self.bypassConfidence = bypassConfidence
        self.tracer = tracer
    }

    public func resume() async -> BrainTurn? { await engine.resume() }

    /// The engine's words, unless the LLM's read-back is what the caller is answering.
    public func askAgain() async -> [String]? { await llm.awaitsConfirmation ? nil : await engine.askAgain() }

    /// The engine keeps the count of re-asks in a row, whoever asked: its bound holds for both.
    public func unclear() async -> BrainTurn? { await engine.unclear() }

    public func checkpoint() async -> BrainCheckpoint? {
        guard let e = await engine.checkpoint(), let l = await llm.checkpoint() else { return nil }
        return BrainCheckpoint((e, l))
    }

    public func restore(_ checkpoint: BrainCheckpoint) async {
        guard let (e, l) = checkpoint.state as? (BrainCheckpoint, BrainCheckpoint) else { return }
        await engine.restore(e)
        await llm.restore(l)
    }

    public func note(_ note: ContextNote) async {
        await engine.note(note)
        await llm.note(note)
    }

    public func respond(to input: CallerInput) async -> BrainTurn {
        guard case .utterance(let text, _) = input else {
            let turn = await engine.respond(to: input)
            await llm.record(user: "(call connected)", assistant: turn.text)
            return turn
        }
        let (intent, confidence) = await engine.classify(text)
        let inFlow = await engine.isInFlow
        let readBack = await llm.awaitsConfirmation
        if !readBack, inFlow || confidence >= bypassConfidence {
            var turn = await engine.respond(to: input)
            let why = inFlow ? "a flow is under way" : "\(intent ?? "?") at \(String(format: "%.2f", confidence)) ≥ \(String(format: "%.2f", bypassConfidence))"
            turn.path = AnswerPath(.intentEngine, hybrid: true, reason: "\(why); " + turn.path.reason)
            await llm.record(user: text, assistant: turn.text)
            return turn
        }
        let actionsBefore = await llm.actions.count
        do {
            var turn = try await llm.complete(text, done: await engine.completedActions)
            for action in await llm.actions.dropFirst(actionsBefore) { await engine.recordAction(action) }
            // A turn the LLM answered ends a row of re-asks, as one the engine answered does.
            await engine.answeredElsewhere()
            let why = readBack ? "the caller answered the LLM's read-back"
                : bypassConfidence.isInfinite ? "the LLM answers every request"
                : "best intent \(intent ?? "none") at \(String(format: "%.2f", confidence)) < \(String(format: "%.2f", bypassConfidence))"
            turn.path = AnswerPath(.llm, hybrid: true, reason: turn.path.reason.isEmpty ? why : "\(why); \(turn.path.reason)")
            return turn
        } catch {
            tracer?.emit(.error("the LLM could not answer (\(error)); the intent engine answers"), stage: .brain)
            // Read tools the failed turn ran still happened: the turn shows them.
            let ran = await llm.failedTurnTraces
            var turn = await engine.respond(to: input)
            turn.toolCalls = ran + turn.toolCalls
            turn.path = AnswerPath(.intentEngine, hybrid: true, reason: "fallback from the LLM (\(error)); " + turn.path.reason)
            await llm.record(user: text, assistant: turn.text)
            return turn
        }
    }
}
