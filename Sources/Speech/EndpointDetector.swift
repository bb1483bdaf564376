import RingsideCore

/// Finds where a caller's speech starts and stops and when their turn is over, frame by frame.
///
/// Feed every 20 ms frame's speech decision (from a `VoiceActivityDetector`) with the latest
/// partial transcript. Times come only from frame timestamps, so it behaves identically under a
/// `VirtualClock` or live. The end of speech reported is the end of the last speech frame, not
/// the moment the silence window expired.
public struct EndpointDetector: Sendable {
    public var policy: TurnPolicy
    /// Consecutive speech frames needed to start (and to resume after a pause).
    public var onsetFrames: Int
    /// Silence after which `speechStopped` is reported (the turn may still go on).
    public var stopGap: MediaTime
    /// What the dialogue expects, for the adaptive policy.
    public var expectation: RecognitionExpectation?

    private enum Phase: Sendable, Equatable {
        case idle
        case speaking
        case pausing(trueEnd: MediaTime, stopReported: Bool)
    }
    private var phase = Phase.idle
    private var run = 0
    private var runStart = MediaTime.zero
    private var partial = ""

    public init(policy: TurnPolicy = .adaptive, onsetFrames: Int = 3, stopGap: MediaTime = .milliseconds(160),
                expectation: RecognitionExpectation? = nil) {
        self.policy = policy
        self.onsetFrames = onsetFrames
        self.stopGap = stopGap
        self.expectation = expectation
    }

    /// True between speech start and end of turn.
    public var inTurn: Bool { phase != .idle }

    /// How long the caller has been silent within their turn at `now` (nil while speaking or idle).
    public func silence(at now: MediaTime) -> MediaTime? {
        guard case let .pausing(trueEnd, _) = phase else { return nil }
        return now - trueEnd
    }

    /// The latest partial transcript.
    public var currentPartial: String { partial }

    /// Ends the turn now, during a pause, on a decision made elsewhere (a learned end-of-turn model).
    public mutating func endTurn(at now: MediaTime, rule: EndOfTurnRule) -> [EndpointEvent] {
        guard case let .pausing(trueEnd, stopReported) = phase else { return [] }
        var events: [EndpointEvent] = stopReported ? [] : [.speechStopped(trueEnd: trueEnd, decidedAt: now)]
        events.append(.endOfTurn(trueEnd: trueEnd, decidedAt: now, rule: rule))
        phase = .idle
        run = 0
        return events
    }

    /// Latest partial transcript the window is chosen by.
    public mutating func update(partial text: String) { partial = text }

    /// Starts listening for a new turn (clears the partial).
    public mutating func reset(expecting expectation: RecognitionExpectation? = nil) {
        phase = .idle
        run = 0
        partial = ""
        self.expectation = expectation
    }

    /// Consumes one frame's decision; `frameStart` is the frame's timestamp.
    public mutating func process(frameStart: MediaTime, isSpeech: Bool) -> [EndpointEvent] {
        let frameEnd = frameStart + AudioFrame.duration
        if isSpeech {
            if run == 0 { runStart = frameStart }
            run += 1
        } else {
            run = 0
        }
        switch phase {
        case .idle:
            if run >= onsetFrames {
                phase = .speaking
                return [.speechStarted(at: runStart)]
            }
            return []
        case .speaking:
            if !isSpeech { phase = .pausing(trueEnd: frameStart, stopReported: false) }
            return closeIfDue(at: frameEnd)
        case let .pausing(trueEnd, stopReported):
            if run >= onsetFrames {
                phase = .speaking
                return stopReported ? [.speechStarted(at: runStart)] : []
            }
            if isSpeech { return [] }
            return closeIfDue(at: frameEnd, trueEnd: trueEnd, stopReported: stopReported)
        }
    }

    private mutating func closeIfDue(at now: MediaTime) -> [EndpointEvent] {
        guard case let .pausing(trueEnd, reported) = phase else { return [] }
        return closeIfDue(at: now, trueEnd: trueEnd, stopReported: reported)
    }

    private mutating func closeIfDue(at now: MediaTime, trueEnd: MediaTime, stopReported: Bool) -> [EndpointEvent] {
        var events: [EndpointEvent] = []
        let silence = now - trueEnd
        if !stopReported && silence >= stopGap {
            events.append(.speechStopped(trueEnd: trueEnd, decidedAt: now))
            phase = .pausing(trueEnd: trueEnd, stopReported: true)
        }
        let (window, rule) = policy.window(after: partial, expecting: expectation)
        if silence >= window {
            events.append(.endOfTurn(trueEnd: trueEnd, decidedAt: now, rule: .silence(rule)))
            phase = .idle
            run = 0
        }
        return events
    }
}
