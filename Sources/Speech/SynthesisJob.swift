import Audio
import Dispatch
import RingsideCore
import Synchronization

/// One utterance being synthesised: its frames, its first-chunk latency, and a way to stop it.
///
/// Engines produce on their own thread and call `deliver`; consumers iterate `frames`.
public final class SynthesisJob: Sendable {
    public let text: String
    public let rate: SampleRate
    private let requested = ContinuousClock.now
    private let state: Mutex<State>
    private let stream: AsyncThrowingStream<AudioFrame, Error>
    private let continuation: AsyncThrowingStream<AudioFrame, Error>.Continuation
    /// Signalled once the engine has finished (or failed), for `waitForAllFrames`.
    private let done = DispatchSemaphore(value: 0)

    private struct State: ~Copyable {
        var cancelled = false
        var firstChunk: Duration?
        var assembler: FrameAssembler
        var produced = 0
        /// Every frame produced, for `waitForAllFrames`.
        var all: [AudioFrame] = []
        var failure: (any Error)?
    }

    init(text: String, rate: SampleRate, sourceRate: Int, start: MediaTime) throws {
        self.text = text
        self.rate = rate
        state = Mutex(State(assembler: try FrameAssembler(sourceRate: sourceRate, rate: rate, start: start)))
        (stream, continuation) = AsyncThrowingStream.makeStream(of: AudioFrame.self)
    }

    /// The synthesised frames, in order. Ends early, within one frame, once `cancel()` is called.
    public var frames: SynthesisFrames { SynthesisFrames(base: stream, job: self) }

    /// Stops synthesis: no frame is yielded after this returns, and the engine stops at its next chunk.
    public func cancel() {
        state.withLock { $0.cancelled = true }
        continuation.finish()
    }

    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Time from the request to the first audio the engine produced.
    public var firstChunkLatency: Duration? { state.withLock { $0.firstChunk } }

    /// Frames produced so far (whether or not consumed).
    public var framesProduced: Int { state.withLock { $0.produced } }

    /// Engine side: hands over samples at the engine's rate. Returns false when the job was
    /// cancelled and the engine should stop.
    func deliver(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        let input = Array(samples)
        let frames: [AudioFrame]? = state.withLock { s in
            if s.cancelled { return nil }
            if s.firstChunk == nil, !input.isEmpty { s.firstChunk = ContinuousClock.now - requested }
            let f = s.assembler.push(input)
            s.produced += f.count
            s.all += f
            return f
        }
        guard let frames else { return false }
        for f in frames { continuation.yield(f) }
        return true
    }

    /// Engine side: the utterance is complete (or failed).
    func finish(error: Error? = nil) {
        let tail: [AudioFrame] = state.withLock { s in
            s.failure = error
            if s.cancelled { return [] }
            let f = s.assembler.finish()
            s.produced += f.count
            s.all += f
            return f
        }
        for f in tail { continuation.yield(f) }
        continuation.finish(throwing: error)
        done.signal()
    }

    /// Waits, blocking the calling thread, until the engine has finished, and returns every frame. For
    /// synchronous callers (an `AudioSource` generating speech): unlike iterating `frames` from a blocked
    /// thread, it needs none of Swift's cooperative threads, so it cannot starve them.
    public func waitForAllFrames() throws -> [AudioFrame] {
        done.wait()
        done.signal()  // later waiters pass too
        return try state.withLock { s throws -> [AudioFrame] in
            if let failure = s.failure { throw failure }
            return s.all
        }
    }
}
