import CEspeakNG
import Foundation
import RingsideCore

/// The second text-to-speech engine: espeak-ng (22.05 kHz, resampled to the session rate).
///
/// Initialised once per process (see `EspeakLibrary`); one utterance at a time, on its own thread.
public struct EspeakSynthesizer: SpeechSynthesizer {
    /// An espeak-ng voice name such as "en-us", "en", "en-gb-x-rp".
    public let voice: String
    /// 1.0 is 175 words per minute.
    public let speakingRate: Double
    private let nativeRate: Int

    /// Throws `SpeechSetupError.unknownVoice` naming the voice when espeak-ng has no such voice.
    public init(voice: String = "en-us", speakingRate: Double = 1.0) throws {
        nativeRate = try EspeakLibrary.initialise()
        let found = EspeakLibrary.withLock { espeak_SetVoiceByName(voice) == EE_OK }
        guard found else { throw SpeechSetupError.unknownVoice(voice, available: ["en-us", "en", "en-029", "en-gb-x-rp", "en-gb-scotland"]) }
        self.voice = voice
        self.speakingRate = max(0.3, min(2.5, speakingRate))
    }

    public func synthesize(_ text: String, rate: SampleRate, start: MediaTime) throws -> SynthesisJob {
        let job = try SynthesisJob(text: text, rate: rate, sourceRate: nativeRate, start: start)
        let voice = self.voice
        let wpm = Int32((175 * speakingRate).rounded())
        let thread = Thread {
            let status: espeak_ERROR = EspeakLibrary.withLock {
                espeak_SetSynthCallback(espeakChunk)
                _ = espeak_SetVoiceByName(voice)
                _ = espeak_SetParameter(espeakRATE, wpm, 0)
                let box = Unmanaged.passRetained(job)
                defer { box.release() }
                let bytes = Array(text.utf8CString)
                let r = bytes.withUnsafeBufferPointer {
                    espeak_Synth($0.baseAddress, $0.count, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, box.toOpaque())
                }
                _ = espeak_Synchronize()
                return r
            }
            job.finish(error: status == EE_OK || job.isCancelled ? nil
                       : SpeechSetupError.engineFailed(engine: "espeak-ng", reason: "synthesis failed (error \(status.rawValue))"))
        }
        thread.name = "ringside.tts.espeak"
        thread.start()
        return job
    }
}

/// espeak-ng's synth callback: returns 1 to abort when the job was cancelled.
private func espeakChunk(_ wav: UnsafeMutablePointer<Int16>?, _ count: Int32, _ events: UnsafeMutablePointer<espeak_EVENT>?) -> Int32 {
    guard let events, let user = events.pointee.user_data else { return 0 }
    let job = Unmanaged<SynthesisJob>.fromOpaque(user).takeUnretainedValue()
    guard let wav, count > 0 else { return job.isCancelled ? 1 : 0 }
    return job.deliver(UnsafeBufferPointer(start: wav, count: Int(count))) ? 0 : 1
}
