import RingsideCore
import Synchronization

/// A turn the brain worked out ahead, at the caller's pause, on the words heard so far: kept aside
/// (the brain is back where it was before it) until the session knows whether the caller's turn
/// really ended on those words. `Conversation.adopt(_:)` makes it the real turn.
public struct SpeculativeTurn: Sendable {
    /// The words the turn answers.
    public let text: String
    public let turn: BrainTurn
    /// Tools the turn wanted but was refused (they write, or need an operator's approval): such a
    /// speculation cannot be adopted, the turn is computed again once it has ended.
    public let refusedTools: [String]
    let before: BrainCheckpoint
    let after: BrainCheckpoint
    /// The conversation's state counter when the speculation started; adoption needs it unchanged.
    let generation: Int
    /// What the agent said it did while speculating, published only when the turn is adopted.
    let events: [(payload: CallEventPayload, stage: Stage)]

    /// Whether the turn can stand as the agent's answer (nothing refused).
    public var isUsable: Bool { refusedTools.isEmpty }
}

/// The scratch space of one speculative turn, reachable from the tool layer and the tracer through
/// a task-local value while the brain speculates: tools that write are refused and recorded here,
/// and the tracer's facts are held here instead of being published.
final class SpeculationScratch: Sendable {
    @TaskLocal static var current: SpeculationScratch?

    private let state = Mutex<(refused: [String], events: [(payload: CallEventPayload, stage: Stage)])>(([], []))

    func refuse(_ tool: String) { state.withLock { $0.refused.append(tool) } }
    func hold(_ payload: CallEventPayload, stage: Stage) { state.withLock { $0.events.append((payload, stage)) } }
    var refused: [String] { state.withLock { $0.refused } }
    var events: [(payload: CallEventPayload, stage: Stage)] { state.withLock { $0.events } }
}
