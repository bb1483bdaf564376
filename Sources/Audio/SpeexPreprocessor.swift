internal import CSpeexDSP
import RingsideCore

/// speexdsp's preprocessor for one stream: its voice activity decision and optional noise
/// suppression (which rewrites the frame before recognition). Lives in Audio, the one module that
/// wraps speexdsp (its resampler too); Speech uses it as a `VoiceActivityDetector`.
public final class SpeexPreprocessor {
    public let rate: SampleRate
    public let denoise: Bool
    private let state: OpaquePointer

    /// `suppressionDB` is the most noise is attenuated by (negative dB, speexdsp default −15).
    public init(rate: SampleRate, denoise: Bool = false, suppressionDB: Int = -15, probStart: Int = 80, probContinue: Int = 60) throws {
        guard let st = speex_preprocess_state_init(Int32(rate.samplesPerFrame), Int32(rate.hertz)) else {
            throw AudioCodecError.preprocessorInit(rate: rate.hertz)
        }
        state = st
        self.rate = rate
        self.denoise = denoise
        _ = rs_speex_preprocess_set_vad(st, 1)
        _ = rs_speex_preprocess_set_denoise(st, denoise ? 1 : 0)
        _ = rs_speex_preprocess_set_noise_suppress(st, Int32(suppressionDB))
        _ = rs_speex_preprocess_set_prob_start(st, Int32(probStart))
        _ = rs_speex_preprocess_set_prob_continue(st, Int32(probContinue))
    }

    deinit { speex_preprocess_state_destroy(state) }

    /// Runs the preprocessor: returns the (denoised, if enabled) frame and the speech decision.
    public func process(_ frame: AudioFrame) -> (frame: AudioFrame, speech: Bool) {
        var samples = frame.samples
        let vad = samples.withUnsafeMutableBufferPointer { speex_preprocess_run(state, $0.baseAddress) }
        return (AudioFrame(rate: frame.rate, samples: denoise ? samples : frame.samples, timestamp: frame.timestamp), vad != 0)
    }

    public func isSpeech(_ frame: AudioFrame) -> Bool { process(frame).speech }
}
