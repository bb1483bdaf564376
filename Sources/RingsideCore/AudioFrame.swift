/// A sample rate Ringside moves audio at. Frames exist only at these rates.
public enum SampleRate: Int, Sendable, Codable, CaseIterable, Comparable {
    case hz8000 = 8000
    case hz16000 = 16000
    case hz48000 = 48000

    public var hertz: Int { rawValue }
    /// Samples in one 20 ms frame.
    public var samplesPerFrame: Int { rawValue / 50 }

    public init?(hertz: Int) { self.init(rawValue: hertz) }

    public static func < (a: SampleRate, b: SampleRate) -> Bool { a.rawValue < b.rawValue }
}

/// Twenty milliseconds of mono 16-bit PCM, stamped with the time its first sample was captured or due.
///
/// The unit every audio stage moves: capture, VAD, STT, TTS, playout, RTP.
public struct AudioFrame: Sendable, Equatable {
    public static let duration = MediaTime.milliseconds(20)

    public let rate: SampleRate
    public var samples: [Int16]
    public var timestamp: MediaTime

    /// Creates a frame; `samples` is padded with silence or truncated to exactly 20 ms.
    public init(rate: SampleRate, samples: [Int16], timestamp: MediaTime) {
        self.rate = rate
        let n = rate.samplesPerFrame
        if samples.count == n {
            self.samples = samples
        } else if samples.count > n {
            self.samples = Array(samples.prefix(n))
        } else {
            self.samples = samples + [Int16](repeating: 0, count: n - samples.count)
        }
        self.timestamp = timestamp
    }

    public static func silence(rate: SampleRate, at timestamp: MediaTime) -> AudioFrame {
        AudioFrame(rate: rate, samples: [Int16](repeating: 0, count: rate.samplesPerFrame), timestamp: timestamp)
    }

    /// Splits PCM into 20 ms frames; the last partial frame is padded with silence.
    public static func frames(from samples: [Int16], rate: SampleRate, start: MediaTime = .zero) -> [AudioFrame] {
        let n = rate.samplesPerFrame
        var out: [AudioFrame] = []
        out.reserveCapacity((samples.count + n - 1) / n)
        var i = 0
        var t = start
        while i < samples.count {
            let end = min(i + n, samples.count)
            out.append(AudioFrame(rate: rate, samples: Array(samples[i..<end]), timestamp: t))
            i = end
            t += duration
        }
        return out
    }
}
