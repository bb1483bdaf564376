import Testing
@testable import RingsideCore

@Suite struct ClockTests {
    @Test func virtualClockWakesSleepersInDeadlineOrder() async throws {
        let clock = VirtualClock()
        let order = OrderLog()
        async let a: Void = { try await clock.sleep(until: .milliseconds(40)); await order.append("a") }()
        async let b: Void = { try await clock.sleep(until: .milliseconds(20)); await order.append("b") }()
        // Wait (bounded) until both tasks are registered as sleepers.
        for _ in 0..<10_000 where clock.sleeperCount < 2 { await Task.yield() }
        #expect(clock.sleeperCount == 2)
        #expect(clock.nextDeadline == .milliseconds(20))
        clock.advance(to: .milliseconds(30))
        _ = try await b
        #expect(await order.entries == ["b"])
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .milliseconds(10))
        _ = try await a
        #expect(await order.entries == ["b", "a"])
        #expect(clock.now() == .milliseconds(40))
    }

    /// A cancelled timer (an approval decided before its timeout) stops counting as a sleeper at
    /// once; otherwise a session in virtual time keeps running the clock for it instead of waiting
    /// for the brain, and the cancelled task never finishes until time reaches its deadline.
    @Test func cancellingASleeperRemovesItAtOnce() async throws {
        let clock = VirtualClock()
        let timer = Task { () -> Bool in
            do {
                try await clock.sleep(until: .seconds(30))
                return false
            } catch {
                return error is CancellationError
            }
        }
        for _ in 0..<10_000 where clock.sleeperCount < 1 { await Task.yield() }
        #expect(clock.sleeperCount == 1)
        timer.cancel()
        #expect(clock.sleeperCount == 0, "removed by the cancellation itself, before the task runs again")
        // Were it still waiting, release it so this test fails rather than hangs.
        if clock.sleeperCount > 0 { clock.advance(to: .seconds(30)) }
        #expect(await timer.value, "the sleep throws CancellationError without time moving")
        // A task cancelled before it sleeps does not register at all.
        let early = Task { () -> Bool in
            withUnsafeCurrentTask { $0?.cancel() }
            do { try await clock.sleep(until: .seconds(1)); return false } catch { return error is CancellationError }
        }
        #expect(await early.value)
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleepingUntilThePastReturnsAtOnce() async throws {
        let clock = VirtualClock(start: .seconds(1))
        try await clock.sleep(until: .milliseconds(500))
        #expect(clock.now() == .seconds(1))
        #expect(clock.sleeperCount == 0)
    }

    @Test func monotonicClockMovesForward() {
        let clock = MonotonicClock()
        let a = clock.now()
        var b = clock.now()
        for _ in 0..<1_000_000 where b == a { b = clock.now() }
        #expect(b > a)
        #expect(a.nanoseconds >= 0)
    }

    /// A real-time test call is built first and started later: its timeline begins at `start()`.
    @Test func deferredClockReadsZeroUntilStartedThenMovesForward() {
        let clock = DeferredStartClock()
        #expect(clock.now() == .zero)
        #expect(clock.now() == .zero)
        clock.start()
        let a = clock.now()
        var b = clock.now()
        for _ in 0..<1_000_000 where b == a { b = clock.now() }
        #expect(b > a)
        #expect(a.nanoseconds >= 0)
        // Starting again does not move the origin back to zero.
        clock.start()
        #expect(clock.now() >= b)
    }
}

actor OrderLog {
    var entries: [String] = []
    func append(_ s: String) { entries.append(s) }
}
