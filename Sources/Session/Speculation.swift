import RingsideCore

/// The agent's reply worked out at a pause of the caller's turn, before the end of the turn is
/// decided (`SessionConfiguration.speculate`). The agent's work runs in its own task; once it is
/// ready the session synthesises the reply's first sentence and holds it. When the turn ends on the
/// same words the held reply plays at once; otherwise it is dropped unheard.
///
/// The words match when they are equal after lower-casing and dropping punctuation: the brain sees
/// exactly these words either way, so its decision is the same one. Anything looser (fillers dropped,
/// numbers rewritten) would need the brain to say which differences it ignores; it is not worth the
/// risk of answering words the caller did not say.
final class Speculation: @unchecked Sendable {
    /// The caller turn (the listener's number) this answers.
    let turn: Int
    /// The words it answers.
    let text: String
    private let words: [String]
    private let work: PendingWork<SpeculativeReply?>
    /// The first sentence, synthesised and held. Touched only by the session's task.
    var held: ReplyPlayer.HeldSpeech?

    init(turn: Int, text: String, confidence: Double, agent: any CallAgent) {
        self.turn = turn
        self.text = text
        words = Self.words(text)
        work = PendingWork { await agent.speculate(text, confidence: confidence) }
    }

    var isDone: Bool { work.isDone }
    /// The agent's speculative reply, once done (nil if it could not answer ahead).
    var reply: SpeculativeReply? { work.result ?? nil }

    func matches(_ text: String) -> Bool { Self.words(text) == words }

    /// Stops the agent's work (the agent puts its brain back either way) and drops the held audio.
    func cancel() {
        work.cancel()
        held?.cancel()
        held = nil
    }

    /// Waits until the agent is done with it (cancelled or not), its brain back where it was.
    func settle() async { await work.settle() }

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }.map(String.init)
    }
}
