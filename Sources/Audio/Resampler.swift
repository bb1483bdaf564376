internal import CSpeexDSP
import RingsideCore

/// Errors from the audio codecs and converters.
public enum AudioCodecError: Error, Equatable, CustomStringConvertible {
    case resamplerInit(from: Int, to: Int, code: Int32)
    case opusInit(rate: Int, code: Int32)
    case opusEncode(code: Int32)
    case opusDecode(code: Int32)
    case unsupportedRate(Int)
    case preprocessorInit(rate: Int)

    public var description: String {
        switch self {
        case let .resamplerInit(f, t, c): return "cannot resample \(f) Hz to \(t) Hz (speexdsp error \(c))"
        case let .opusInit(r, c): return "cannot start the Opus codec at \(r) Hz (opus error \(c))"
        case let .opusEncode(c): return "Opus could not encode a frame (opus error \(c))"
        case let .opusDecode(c): return "Opus could not decode a packet (opus error \(c)): the packet is corrupt"
        case let .preprocessorInit(r): return "cannot start speexdsp's preprocessor at \(r) Hz"
        case let .unsupportedRate(r): return "\(r) Hz is not a rate Ringside moves frames at (8000, 16000 or 48000)"
        }
    }
}

/// Streaming sample-rate conversion for mono PCM, using speexdsp.
///
/// Feed any number of samples; output comes out as it is ready. `finish()` flushes the tail.
public final class Resampler {
    public let inputRate: Int
    public let outputRate: Int
    private let state: OpaquePointer
    private var consumed = 0
    private var produced = 0

    /// `quality` 0…10; 5 is speexdsp's voice default, 3 is cheap and fine for speech recognition.
    public init(from inputRate: Int, to outputRate: Int, quality: Int = 5) throws {
        var err: Int32 = 0
        guard let st = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), Int32(quality), &err), err == 0 else {
            throw AudioCodecError.resamplerInit(from: inputRate, to: outputRate, code: err)
        }
        state = st
        self.inputRate = inputRate
        self.outputRate = outputRate
        speex_resampler_skip_zeros(st)
    }

    deinit { speex_resampler_destroy(state) }

    public func process(_ input: [Int16]) -> [Int16] {
        if inputRate == outputRate { consumed += input.count; produced += input.count; return input }
        var output = [Int16](repeating: 0, count: input.count * outputRate / inputRate + 64)
        var done = 0
        var inOffset = 0
        while inOffset < input.count {
            var inLen = UInt32(input.count - inOffset)
            var outLen = UInt32(output.count - done)
            input.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    _ = speex_resampler_process_int(state, 0, src.baseAddress! + inOffset, &inLen, dst.baseAddress! + done, &outLen)
                }
            }
            inOffset += Int(inLen)
            done += Int(outLen)
            if inLen == 0 && outLen == 0 { break }
            if done == output.count { output.append(contentsOf: [Int16](repeating: 0, count: 256)) }
        }
        consumed += input.count
        produced += done
        return Array(output.prefix(done))
    }

    /// Flushes the filter so the total output matches the input's duration.
    public func finish() -> [Int16] {
        let expected = Int((Double(consumed) * Double(outputRate) / Double(inputRate)).rounded())
        let missing = expected - produced
        guard missing > 0 else { return [] }
        let latency = Int(speex_resampler_get_input_latency(state))
        let tail = process([Int16](repeating: 0, count: latency + 16))
        produced -= max(0, tail.count - missing)
        return Array(tail.prefix(missing))
    }

    /// Converts a whole buffer, keeping its duration.
    public static func convert(_ samples: [Int16], from: Int, to: Int, quality: Int = 5) throws -> [Int16] {
        if from == to { return samples }
        let r = try Resampler(from: from, to: to, quality: quality)
        return r.process(samples) + r.finish()
    }
}

extension PCMAudio {
    /// Mono samples at `rate`, mixing channels and resampling as needed.
    public func mono(at rate: Int) throws -> [Int16] {
        try Resampler.convert(mono(), from: sampleRate, to: rate)
    }

    /// Mono 20 ms frames at `rate`.
    public func frames(at rate: SampleRate, start: MediaTime = .zero) throws -> [AudioFrame] {
        AudioFrame.frames(from: try mono(at: rate.hertz), rate: rate, start: start)
    }
}
