import Dispatch
import Foundation
import Logging
import RingsideCore
import Synchronization

/// The one ordered event stream of a call. Stages `emit`; observers (screen, recorder, grader,
/// benchmark) see every event in the same order, stamped with the injected clock and redacted.
///
/// `emit` runs on the call's 20 ms audio tick, so it never waits for an observer: each observer added
/// with `observe` (and each `stream`) has its own bounded queue, filled in emit order under the bus's
/// lock and delivered outside it on the observer's own serial queue. A slow observer falls behind
/// without delaying a frame and without losing an event, up to its capacity; past that, events it
/// cannot take are counted in `overflows` and a warning naming it is logged once per overflow burst.
/// `drain()` waits until every observer has been handed everything emitted so far.
public final class CallEventBus: Sendable {
    public typealias Observer = @Sendable (CallEvent) -> Void

    /// How many undelivered events an observer or a stream may hold unless told otherwise.
    public static let defaultCapacity = 16_384

    public let callID: String
    public let clock: any CallClock
    private let redact: @Sendable (String) -> String
    private let learnSecret: @Sendable (String) -> Void
    /// The caller is answering a question for personal data: their words are written as "[redacted]".
    private let callerSpeechSensitive = Mutex(false)
    private struct Subscriber {
        let name: String
        let capacity: Int
        let continuation: AsyncStream<CallEvent>.Continuation
        var overflowing = false
    }
    private struct State {
        var inline: [Observer] = []
        var queued: [ObserverQueue] = []
        var streams: [Subscriber] = []
        var turn = 0
        var history: [CallEvent] = []
        var finished = false
        var overflows: [String: Int] = [:]
    }
    private let state = Mutex(State())
    /// Where overflow warnings go (the log; a test's collector).
    private let warn: @Sendable (String) -> Void

    /// `redact` is applied to every text field before anyone sees the event.
    /// `learnSecret` is told a literal that `redact` must hide from then on (see `noteSecret`).
    public convenience init(callID: String, clock: any CallClock, redact: @escaping @Sendable (String) -> String = { $0 },
                            learnSecret: @escaping @Sendable (String) -> Void = { _ in }) {
        let logger = Logger(label: "ringside.events")
        self.init(callID: callID, clock: clock, redact: redact, learnSecret: learnSecret, warn: { logger.warning("\($0)") })
    }

    /// As the public initialiser, with overflow warnings going to `warn` instead of the log (tests).
    init(callID: String, clock: any CallClock, redact: @escaping @Sendable (String) -> String = { $0 },
         learnSecret: @escaping @Sendable (String) -> Void = { _ in }, warn: @escaping @Sendable (String) -> Void) {
        self.callID = callID
        self.clock = clock
        self.redact = redact
        self.learnSecret = learnSecret
        self.warn = warn
    }

    /// The turn new events belong to.
    public var turn: Int { state.withLock { $0.turn } }

    /// Starts a new turn and returns its number (turns count from 1).
    @discardableResult
    public func nextTurn() -> Int { state.withLock { $0.turn += 1; return $0.turn } }

    /// Makes `turn` the turn new events belong to (the turn a reply answers).
    public func setTurn(_ turn: Int) { state.withLock { $0.turn = turn } }

    /// Adds an observer that gets every later event, in emit order, one at a time, on its own serial
    /// queue (never on the emitting thread): it may be slow (write files, draw, grade) without delaying
    /// `emit`. Up to `capacity` events may wait for it; events beyond that are not queued but counted in
    /// `overflows` under `name`, with a warning logged once per overflow burst.
    ///
    /// Delivery is asynchronous: read what the observer collected only after `drain()` (a `CallSession`
    /// drains before its `run` returns). The observer may emit on this bus, but must not await `drain()`.
    public func observe(name: String = "observer", capacity: Int = CallEventBus.defaultCapacity, _ observer: @escaping Observer) {
        precondition(capacity > 0, "an observer's queue must hold at least one event")
        let queue = ObserverQueue(name: name, callID: callID, capacity: capacity, observer: observer)
        state.withLock { $0.queued.append(queue) }
    }

    /// Adds an observer called synchronously, under the bus's lock, for every later event: it has seen
    /// the event before `emit` returns. Only for in-call bookkeeping that must be in step with the call
    /// (pending tools, a simulated caller's turn taking): it runs on the audio tick, so it must be cheap
    /// and never block, wait or emit. Anything else belongs in `observe`.
    public func observeInline(_ observer: @escaping Observer) {
        state.withLock { $0.inline.append(observer) }
    }

    /// A stream of every later event, for async consumers such as the TUI. Up to `capacity` events wait
    /// for the consumer; events beyond that are not buffered but counted in `overflows` under `name`,
    /// with a warning logged once per overflow burst.
    public func stream(name: String = "stream", capacity: Int = CallEventBus.defaultCapacity) -> AsyncStream<CallEvent> {
        precondition(capacity > 0, "a stream's buffer must hold at least one event")
        let (stream, continuation) = AsyncStream<CallEvent>.makeStream(bufferingPolicy: .bufferingOldest(capacity))
        state.withLock { s in
            if s.finished { continuation.finish() } else { s.streams.append(Subscriber(name: name, capacity: capacity, continuation: continuation)) }
        }
        return stream
    }

    /// While on, the caller's partial and final transcripts are published as "[redacted]": the agent
    /// asked for personal data (a date of birth), and the answer is hidden whether or not it was understood.
    public func redactCallerSpeech(_ on: Bool) { callerSpeechSensitive.withLock { $0 = on } }

    /// `text` is personal data: hidden from every later event (and wherever else the call's redactor writes).
    public func noteSecret(_ text: String) { learnSecret(text) }

    /// Publishes an event a stage decided, at its time and turn.
    @discardableResult
    public func publish(_ event: CallEvent) -> CallEvent { emit(event.stage, event.payload, at: event.time, turn: event.turn) }

    /// Stamps and publishes an event now; `at` overrides the time (for facts measured at the audio).
    @discardableResult
    public func emit(_ stage: Stage, _ payload: CallEventPayload, at time: MediaTime? = nil, turn: Int? = nil) -> CallEvent {
        var clean = payload.mappingText(redact)
        if callerSpeechSensitive.withLock({ $0 }) {
            switch clean {
            case .partialTranscript(.caller, _): clean = .partialTranscript(speaker: .caller, text: "[redacted]")
            case let .finalTranscript(.caller, text, c) where !text.isEmpty: clean = .finalTranscript(speaker: .caller, text: "[redacted]", confidence: c)
            case var .speculation(o) where !o.text.isEmpty:
                // The words speculated on are the caller's too.
                o.text = "[redacted]"
                clean = .speculation(o)
            default: break
            }
        }
        // Stamp, append and enqueue under one lock so every observer sees one order; deliver outside it.
        let (event, wake, overflowing) = state.withLock { s -> (CallEvent, [ObserverQueue], [(String, Int)]) in
            let event = CallEvent(callID: callID, turn: turn ?? s.turn, time: time ?? clock.now(), stage: stage, payload: clean)
            s.history.append(event)
            var wake: [ObserverQueue] = []
            var overflowing: [(String, Int)] = []
            for q in s.queued {
                switch q.enqueue(event) {
                case .accepted(let idle):
                    if idle { wake.append(q) }
                case .overflowed(let burstStarted):
                    s.overflows[q.name, default: 0] += 1
                    if burstStarted { overflowing.append((q.name, q.capacity)) }
                }
            }
            for i in s.streams.indices {
                switch s.streams[i].continuation.yield(event) {
                case .enqueued:
                    s.streams[i].overflowing = false
                case .dropped:
                    s.overflows[s.streams[i].name, default: 0] += 1
                    if !s.streams[i].overflowing { overflowing.append((s.streams[i].name, s.streams[i].capacity)) }
                    s.streams[i].overflowing = true
                case .terminated:
                    break
                @unknown default:
                    break
                }
            }
            for o in s.inline { o(event) }
            return (event, wake, overflowing)
        }
        for q in wake { q.startDelivering() }
        for (name, capacity) in overflowing {
            warn("call \(callID): \(name) is \(capacity) events behind; events it has no room for are dropped and counted until it catches up")
        }
        return event
    }

    /// Every event so far.
    public var events: [CallEvent] { state.withLock { $0.history } }

    /// Events each observer or stream had no room for, by name (same-named ones add up); empty when
    /// none was ever lost.
    public var overflows: [String: Int] { state.withLock { $0.overflows } }

    /// Ends every stream; later emits still reach observers.
    public func finish() {
        let streams = state.withLock { s -> [Subscriber] in
            s.finished = true
            defer { s.streams = [] }
            return s.streams
        }
        streams.forEach { $0.continuation.finish() }
    }

    /// Waits until every observer added with `observe` has been handed every event emitted so far
    /// (including events its observers emit meanwhile) and its last call has returned. Streams are not
    /// waited for: their consumers may have stopped reading. Never call it from an observer.
    public func drain() async {
        while true {
            let busy = state.withLock { $0.queued.filter { !$0.isIdle } }
            if busy.isEmpty { return }
            for q in busy { await q.waitUntilIdle() }
        }
    }
}

extension CallEventBus: CallEventEmitter {
    /// Publishes a fact from a part that does not stamp (the agent): now, in the session's current turn.
    public func emit(_ payload: CallEventPayload, stage: Stage) {
        emit(stage, payload)
    }
}

/// One asynchronous observer: a bounded queue of events, delivered in order on a serial dispatch queue
/// of its own. The dispatch queue runs only while there is something to deliver, so an idle observer
/// holds no thread, and blocking work in it never starves Swift's cooperative threads.
private final class ObserverQueue: Sendable {
    enum Enqueued {
        /// Queued; `idle` when nothing was being delivered, so delivery must be started.
        case accepted(idle: Bool)
        /// No room; `burstStarted` when the previous event had room.
        case overflowed(burstStarted: Bool)
    }

    let name: String
    let capacity: Int
    private let observer: CallEventBus.Observer
    private let queue: DispatchQueue
    private struct State {
        var buffer: [CallEvent] = []
        /// Events accepted and not yet delivered: the buffer and what remains of the batch in hand.
        var pending = 0
        var delivering = false
        var overflowing = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    init(name: String, callID: String, capacity: Int, observer: @escaping CallEventBus.Observer) {
        self.name = name
        self.capacity = capacity
        self.observer = observer
        queue = DispatchQueue(label: "ringside.events.\(callID).\(name)")
    }

    /// Queues an event if there is room. Called under the bus's lock, so queues fill in emit order.
    func enqueue(_ event: CallEvent) -> Enqueued {
        state.withLock { s in
            guard s.pending < capacity else {
                defer { s.overflowing = true }
                return .overflowed(burstStarted: !s.overflowing)
            }
            s.overflowing = false
            s.pending += 1
            s.buffer.append(event)
            if s.delivering { return .accepted(idle: false) }
            s.delivering = true
            return .accepted(idle: true)
        }
    }

    /// Starts delivering what is queued; once for each `.accepted(idle: true)`.
    func startDelivering() {
        queue.async { self.deliver() }
    }

    private func deliver() {
        while true {
            let (batch, waiters) = state.withLock { s -> ([CallEvent], [CheckedContinuation<Void, Never>]) in
                if s.buffer.isEmpty {
                    s.delivering = false
                    defer { s.idleWaiters = [] }
                    return ([], s.idleWaiters)
                }
                defer { s.buffer = [] }
                return (s.buffer, [])
            }
            if batch.isEmpty {
                waiters.forEach { $0.resume() }
                return
            }
            for event in batch {
                observer(event)
                state.withLock { $0.pending -= 1 }
            }
        }
    }

    /// Nothing queued and no call in progress.
    var isIdle: Bool { state.withLock { !$0.delivering } }

    /// Returns once nothing is queued and no call is in progress.
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { s -> Bool in
                guard s.delivering else { return true }
                s.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
