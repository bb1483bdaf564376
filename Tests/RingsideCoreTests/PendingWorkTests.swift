import RingsideCore
import Testing

/// Work the audio tick starts and collects on a later frame (the end-of-turn model's answer, a final).
@Suite struct PendingWorkTests {
    /// Opens once; work waiting on it goes on.
    actor Gate {
        private var open = false
        private var waiting: [CheckedContinuation<Void, Never>] = []
        func wait() async {
            if open { return }
            await withCheckedContinuation { waiting.append($0) }
        }
        func release() {
            open = true
            for w in waiting { w.resume() }
            waiting = []
        }
    }

    @Test func aCancelledPiecesAnswerIsDroppedAndNeverTakenForTheNextOnes() async {
        let gate = Gate()
        // The first ask: its answer comes only after it was cancelled (the caller went on).
        let stale = PendingWork<Double> {
            await gate.wait()
            return 0.99
        }
        #expect(stale.result == nil)
        stale.cancel()
        let next = PendingWork<Double> { 0.1 }
        await gate.release()
        await stale.settle()
        await next.settle()
        #expect(stale.result == nil, "a cancelled piece of work has no answer")
        #expect(next.result == 0.1, "each piece of work has its own answer")
    }

    @Test func failuresAreResultsToo() async {
        struct Broken: Error {}
        let work = PendingWork<Result<Int, any Error>>(catching: { throw Broken() })
        await work.settle()
        let result = try? #require(work.result)
        #expect(result.map { if case .failure = $0 { true } else { false } } == true)
        let fine = PendingWork<Result<Int, any Error>>(catching: { 7 })
        await fine.settle()
        #expect((try? fine.result?.get()) == 7)
    }
}
