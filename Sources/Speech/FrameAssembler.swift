import Audio
import RingsideCore

/// Turns an engine's chunks of any size and rate into stamped 20 ms frames at the session rate.
struct FrameAssembler: ~Copyable {
    let rate: SampleRate
    private let resampler: Resampler?
    private var pending: [Int16] = []
    private var next: MediaTime

    init(sourceRate: Int, rate: SampleRate, start: MediaTime) throws {
        self.rate = rate
        resampler = sourceRate == rate.hertz ? nil : try Resampler(from: sourceRate, to: rate.hertz, quality: 5)
        next = start
    }

    mutating func push(_ input: [Int16]) -> [AudioFrame] {
        pending += resampler?.process(input) ?? input
        return drain(final: false)
    }

    mutating func finish() -> [AudioFrame] {
        if let tail = resampler?.finish() { pending += tail }
        return drain(final: true)
    }

    private mutating func drain(final: Bool) -> [AudioFrame] {
        let n = rate.samplesPerFrame
        var out: [AudioFrame] = []
        var i = 0
        while pending.count - i >= n || (final && i < pending.count) {
            let end = min(i + n, pending.count)
            out.append(AudioFrame(rate: rate, samples: Array(pending[i..<end]), timestamp: next))
            next += AudioFrame.duration
            i = end
        }
        pending.removeFirst(i)
        return out
    }
}
