import Foundation
import RingsideCore
import Synchronization
import Testing
@testable import Session

/// Observers get the bus's events off the emitting thread (the call's 20 ms audio tick), each through
/// its own bounded queue: a slow one neither delays a frame nor loses an event, and a full one is
/// counted and reported, never silently truncated.
@Suite struct ObserverDeliveryTests {
    /// The tick's level event: `rms` numbers it, so order and duplicates show.
    private static func tick(_ i: Int) -> CallEventPayload { .level(speaker: .caller, rms: Double(i), peak: 0) }

    /// Emits `count` events from a thread of its own, one every 20 ms against a real clock as the audio
    /// tick does (each at an absolute deadline, so a late emit would show in the total). Returns how
    /// long each `emit` took, the whole loop, and what `afterwards` said on that thread right after the
    /// last emit (this task may resume much later on a busy machine).
    private static func emitEveryFrame(_ bus: CallEventBus, count: Int, afterwards: @escaping @Sendable () -> Int)
        async -> (emits: [Duration], total: Duration, afterwards: Int) {
        await withCheckedContinuation { continuation in
            Thread {
                let clock = ContinuousClock()
                let start = clock.now
                var emits: [Duration] = []
                for i in 0..<count {
                    let remaining = start + .milliseconds(20 * (i + 1)) - clock.now
                    if remaining > .zero {
                        let (seconds, attoseconds) = remaining.components
                        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
                    }
                    let before = clock.now
                    bus.emit(.session, tick(i))
                    emits.append(clock.now - before)
                }
                let total = clock.now - start
                continuation.resume(returning: (emits, total, afterwards()))
            }.start()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aSlowObserverDelaysNoFrameAndLosesNothing() async {
        let bus = CallEventBus(callID: "slow", clock: VirtualClock())
        let delivered = Mutex<[CallEvent]>([])
        bus.observe(name: "slow") { event in
            Thread.sleep(forTimeInterval: 0.2)  // 10 frames of work for every event
            delivered.withLock { $0.append(event) }
        }
        let count = 20
        let (emits, total, deliveredDuringTheLoop) = await Self.emitEveryFrame(bus, count: count) { delivered.withLock { $0.count } }

        let slowest = emits.max() ?? .zero
        #expect(slowest < .milliseconds(5), "an emit took \(slowest)")
        #expect(total < .milliseconds(20 * count + 20), "\(count) frames took \(total)")
        #expect(deliveredDuringTheLoop < count, "the observer kept up with 200 ms per event: it was not called off the tick")

        await bus.drain()
        let events = bus.events
        #expect(events.map(\.payload) == (0..<count).map(Self.tick))
        #expect(delivered.withLock { $0 } == events, "every event, once, in emit order")
        #expect(bus.overflows.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aFullQueueIsCountedAndReportedOncePerBurst() async {
        let warnings = Mutex<[String]>([])
        let bus = CallEventBus(callID: "full", clock: VirtualClock(), warn: { w in warnings.withLock { $0.append(w) } })
        // Holds every call until opened (each call passes the signal on).
        let gate = DispatchSemaphore(value: 0)
        let stuck = Mutex<[CallEvent]>([])
        bus.observe(name: "stuck", capacity: 4) { event in
            gate.wait()
            gate.signal()
            stuck.withLock { $0.append(event) }
        }
        let roomy = Mutex<[CallEvent]>([])
        bus.observe(name: "roomy") { event in roomy.withLock { $0.append(event) } }

        for i in 0..<10 { bus.emit(.session, Self.tick(i)) }
        // Four accepted (one in the blocked call, three waiting); six had no room.
        #expect(bus.overflows == ["stuck": 6])
        #expect(warnings.withLock { $0.count } == 1, "one warning for the burst: \(warnings.withLock { $0 })")
        #expect(warnings.withLock { $0.first }?.contains("stuck") == true)

        gate.signal()
        await bus.drain()
        let events = bus.events
        #expect(stuck.withLock { $0 } == Array(events.prefix(4)), "what was accepted is delivered, in order")
        #expect(roomy.withLock { $0 } == events, "an observer with room lost nothing")

        // Caught up: the next event has room again, and the count stays what was lost.
        bus.emit(.session, Self.tick(10))
        await bus.drain()
        #expect(stuck.withLock { $0 }.last?.payload == Self.tick(10))
        #expect(roomy.withLock { $0 } == bus.events)
        #expect(bus.overflows == ["stuck": 6])
        #expect(warnings.withLock { $0.count } == 1)
    }

    @Test func aFullStreamIsCountedNotSilentlyTruncated() async {
        let warnings = Mutex<[String]>([])
        let bus = CallEventBus(callID: "stream", clock: VirtualClock(), warn: { w in warnings.withLock { $0.append(w) } })
        let stream = bus.stream(name: "screen", capacity: 3)
        let roomy = bus.stream()
        for i in 0..<5 { bus.emit(.session, Self.tick(i)) }
        bus.finish()
        #expect(bus.overflows == ["screen": 2])
        #expect(warnings.withLock { $0.count } == 1)
        #expect(warnings.withLock { $0.first }?.contains("screen") == true)
        var read: [CallEvent] = []
        for await e in stream { read.append(e) }
        #expect(read == Array(bus.events.prefix(3)))
        var all: [CallEvent] = []
        for await e in roomy { all.append(e) }
        #expect(all == bus.events)
    }

    @Test(.timeLimit(.minutes(1)))
    func drainCoversEventsAfterFinishAndEventsObserversEmit() async {
        let bus = CallEventBus(callID: "late", clock: VirtualClock())
        // An observer that answers the call's start with an event of its own, from its own queue.
        bus.observe(name: "echo") { event in
            if case .callStarted = event.payload { bus.emit(.session, .error("echo")) }
        }
        let seen = Mutex<[CallEvent]>([])
        bus.observe(name: "recorder") { event in
            Thread.sleep(forTimeInterval: 0.01)
            seen.withLock { $0.append(event) }
        }
        let inline = Mutex<[CallEvent]>([])
        bus.observeInline { e in inline.withLock { $0.append(e) } }
        let started = bus.emit(.session, .callStarted(agent: "a", transport: "embedded"))
        #expect(inline.withLock { $0.first } == started, "an inline observer has the event when emit returns")
        bus.finish()
        bus.emit(.session, .callEnded(reason: "done"))
        await bus.drain()
        let events = bus.events
        #expect(events.count == 3)
        #expect(seen.withLock { $0 } == events)
        #expect(inline.withLock { $0 } == events)
    }
}
