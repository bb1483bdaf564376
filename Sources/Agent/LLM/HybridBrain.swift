import Foundation
import RingsideCore

/// Routes each caller turn: the intent engine answers what it recognises confidently (and every
/// turn of a flow already under way); the LLM answers the rest; if the LLM cannot be reached, the
/// intent engine answers after all. The turn's `path` says which answered and why.
public actor HybridBrain: Brain {
    private let engine: IntentEngine
    private let llm: LLMBrain
    private let bypassConfidence: Double

    public init(engine: IntentEngine, llm: LLMBrain, bypassConfidence: Double) {
        self.engine = engine
        self.llm = llm
        self.bypassConfidence = bypassConfidence
    }

    public func resume() async -> BrainTurn? { await engine.resume() }

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
        if inFlow || confidence >= bypassConfidence {
            var turn = await engine.respond(to: input)
            let why = inFlow ? "a flow is under way" : "\(intent ?? "?") at \(String(format: "%.2f", confidence)) ≥ \(String(format: "%.2f", bypassConfidence))"
            turn.path = AnswerPath(.intentEngine, hybrid: true, reason: "\(why); " + turn.path.reason)
            await llm.record(user: text, assistant: turn.text)
            return turn
        }
        do {
            var turn = try await llm.complete(text)
            turn.path = AnswerPath(.llm, hybrid: true, reason: "best intent \(intent ?? "none") at \(String(format: "%.2f", confidence)) < \(String(format: "%.2f", bypassConfidence))")
            return turn
        } catch {
            var turn = await engine.respond(to: input)
            turn.path = AnswerPath(.intentEngine, hybrid: true, reason: "fallback from the LLM (\(error)); " + turn.path.reason)
            return turn
        }
    }
}
