import RingsideCore

/// The frames of a `SynthesisJob`; stops as soon as the job is cancelled, even if more are buffered.
public struct SynthesisFrames: AsyncSequence, Sendable {
    public typealias Element = AudioFrame
    let base: AsyncThrowingStream<AudioFrame, Error>
    let job: SynthesisJob

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<AudioFrame, Error>.AsyncIterator
        let job: SynthesisJob
        public mutating func next() async throws -> AudioFrame? {
            if job.isCancelled { return nil }
            let frame = try await base.next()
            return job.isCancelled ? nil : frame
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), job: job) }
}
