#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The injected source of time for a call.
///
/// Live calls use `MonotonicClock`; tests and the sample-call runner use `VirtualClock`,
/// so the same session code runs in real time or much faster than real time.
public protocol CallClock: Sendable {
    /// The current time on this clock's timeline.
    func now() -> MediaTime
    /// Suspends until the clock reaches `deadline` (returns at once if it already has).
    func sleep(until deadline: MediaTime) async throws
}

extension CallClock {
    public func sleep(for duration: MediaTime) async throws {
        try await sleep(until: now() + duration)
    }
}

/// Real time from `CLOCK_MONOTONIC`, with its origin at creation.
public struct MonotonicClock: CallClock {
    private let origin: Int64

    public init() { origin = MonotonicClock.raw() }

    static func raw() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    public func now() -> MediaTime { MediaTime(nanoseconds: MonotonicClock.raw() - origin) }

    public func sleep(until deadline: MediaTime) async throws {
        let remaining = deadline.nanoseconds - now().nanoseconds
        if remaining > 0 { try await Task.sleep(nanoseconds: UInt64(remaining)) }
    }
}

/// Real time from `CLOCK_MONOTONIC` whose zero is the moment `start()` is called; it reads zero
/// until then. A call built ahead (its agent loaded, its recogniser adapted) starts its timeline
/// when it starts, so its events and limits count from there, as in virtual time.
public final class DeferredStartClock: CallClock {
    private let origin = Atomic<Int64>(0)

    public init() {}

    /// Starts the timeline now (again: no effect).
    public func start() {
        _ = origin.compareExchange(expected: 0, desired: MonotonicClock.raw(), ordering: .acquiringAndReleasing)
    }

    public func now() -> MediaTime {
        let o = origin.load(ordering: .acquiring)
        return o == 0 ? .zero : MediaTime(nanoseconds: MonotonicClock.raw() - o)
    }

    public func sleep(until deadline: MediaTime) async throws {
        let remaining = deadline.nanoseconds - now().nanoseconds
        if remaining > 0 { try await Task.sleep(nanoseconds: UInt64(remaining)) }
    }
}

/// A clock that moves only when told to, for deterministic tests and faster-than-real-time runs.
///
/// Sleepers are resumed, in deadline order, as `advance(to:)` passes their deadlines.
public final class VirtualClock: CallClock {
    private struct Sleeper {
        let deadline: MediaTime
        let order: Int
        let continuation: CheckedContinuation<Void, Error>
    }
    private struct State {
        var now: MediaTime = .zero
        var sleepers: [Sleeper] = []
        var nextOrder = 0
    }
    private let state = Mutex(State())

    public init(start: MediaTime = .zero) {
        state.withLock { $0.now = start }
    }

    public func now() -> MediaTime { state.withLock { $0.now } }

    /// Number of tasks currently waiting on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone is waiting for, if any.
    public var nextDeadline: MediaTime? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    /// Waits until `advance` passes `deadline`. Cancelling the waiting task removes it at once (and
    /// throws `CancellationError`), so a cancelled timer no longer counts as someone waiting on time.
    public func sleep(until deadline: MediaTime) async throws {
        let order = state.withLock { s -> Int in defer { s.nextOrder += 1 }; return s.nextOrder }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                enum Start { case wait, now, cancelled }
                let start: Start = state.withLock { s in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= s.now { return .now }
                    s.sleepers.append(Sleeper(deadline: deadline, order: order, continuation: c))
                    return .wait
                }
                switch start {
                case .wait: break
                case .now: c.resume()
                case .cancelled: c.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let removed: Sleeper? = state.withLock { s in
                guard let i = s.sleepers.firstIndex(where: { $0.order == order }) else { return nil }
                return s.sleepers.remove(at: i)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward to `target`, waking every sleeper whose deadline has passed.
    public func advance(to target: MediaTime) {
        let due: [Sleeper] = state.withLock { s in
            if target > s.now { s.now = target }
            let ready = s.sleepers.filter { $0.deadline <= s.now }
            s.sleepers.removeAll { $0.deadline <= s.now }
            return ready.sorted { ($0.deadline, $0.order) < ($1.deadline, $1.order) }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    public func advance(by step: MediaTime) { advance(to: now() + step) }
}
