import Foundation
import RingsideCore

/// Slows password guessing down: counts wrong credentials per source address and, past a few, refuses
/// that source outright (403 with `Retry-After`, no checking) for a back-off that doubles with each
/// further failure. A correct password (once the back-off is over) clears the count; so does a quiet
/// spell of `forgetAfter`.
///
/// One log line per burst, not per attempt: `failed` returns a notice when a back-off starts, and
/// that notice says how many requests the previous back-off turned away.
public final class GuessingGuard: @unchecked Sendable, CustomStringConvertible {
    public struct Policy: Sendable, Equatable {
        /// Wrong credentials allowed before the first back-off.
        public var freeFailures: Int
        /// The first back-off; each failure after one doubles it.
        public var initialBackoff: MediaTime
        public var maximumBackoff: MediaTime
        /// A source with no failure for this long starts afresh.
        public var forgetAfter: MediaTime

        public init(freeFailures: Int = 5, initialBackoff: MediaTime = .seconds(1), maximumBackoff: MediaTime = .seconds(300),
                    forgetAfter: MediaTime = .seconds(900)) {
            self.freeFailures = freeFailures
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.forgetAfter = forgetAfter
        }
    }

    private struct Record {
        var failures = 0
        var lastFailure = MediaTime.zero
        var lockedUntil: MediaTime?
        var backoff = MediaTime.zero
        var refusedWhileLocked = 0
    }

    public let policy: Policy
    private let clock: any CallClock
    private let maximumSources: Int
    private let lock = NSLock()
    private var sources: [String: Record] = [:]

    public init(policy: Policy = Policy(), clock: any CallClock = MonotonicClock(), maximumSources: Int = 10_000) {
        self.policy = policy
        self.clock = clock
        self.maximumSources = maximumSources
    }

    public var description: String {
        "\(policy.freeFailures) wrong passwords then a back-off from \(policy.initialBackoff.seconds) s doubling to \(policy.maximumBackoff.seconds) s"
    }

    /// Seconds (rounded up) `source` must still wait; nil when it may try. Counts the refusal.
    public func backoffRemaining(for source: String) -> Int? {
        lock.withLock {
            let now = clock.now()
            guard var record = sources[source], let until = record.lockedUntil, now < until else { return nil }
            record.refusedWhileLocked += 1
            sources[source] = record
            return max(1, Int(((until - now).seconds).rounded(.up)))
        }
    }

    /// A wrong password from `source`: a notice to log when this starts a back-off, else nil.
    public func failed(source: String) -> String? {
        lock.withLock {
            let now = clock.now()
            var record = sources[source] ?? Record()
            if record.failures > 0, now - record.lastFailure > policy.forgetAfter { record = Record() }
            record.failures += 1
            record.lastFailure = now
            defer { sources[source] = record; trim(now: now) }
            guard record.failures >= policy.freeFailures else { return nil }
            record.backoff = record.backoff == .zero ? policy.initialBackoff : min(policy.maximumBackoff, record.backoff + record.backoff)
            record.lockedUntil = now + record.backoff
            let turnedAway = record.refusedWhileLocked
            record.refusedWhileLocked = 0
            return "\(record.failures) wrong passwords from \(source): refusing it for \(Self.format(record.backoff))"
                + (turnedAway > 0 ? " (it sent \(turnedAway) more during the last back-off)" : "")
        }
    }

    /// A correct password from `source`: it starts afresh.
    public func succeeded(source: String) {
        lock.withLock { _ = sources.removeValue(forKey: source) }
    }

    /// Forgets sources quiet for `forgetAfter` once the table is large (a flood from many addresses).
    private func trim(now: MediaTime) {
        guard sources.count > maximumSources else { return }
        sources = sources.filter { now - $0.value.lastFailure <= policy.forgetAfter }
        if sources.count > maximumSources, let oldest = sources.min(by: { $0.value.lastFailure < $1.value.lastFailure })?.key {
            sources.removeValue(forKey: oldest)
        }
    }

    private static func format(_ t: MediaTime) -> String {
        let s = t.seconds
        return s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
    }
}
