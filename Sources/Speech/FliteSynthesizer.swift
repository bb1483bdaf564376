import CFlite
import Foundation
import RingsideCore

/// The default text-to-speech engine: flite with one of its built-in voices (slt, rms, awb, kal).
///
/// Chunks stream from flite's `streaming_info` callback as it synthesises, 20 ms at a time, on a
/// dedicated thread; flite's process-wide state means one utterance is synthesised at a time.
public struct FliteSynthesizer: SpeechSynthesizer {
    public let voice: String
    /// 1.0 is the voice's natural rate; 1.25 is a quarter faster.
    public let speakingRate: Double

    /// Throws `SpeechSetupError.unknownVoice` naming the voice when it is not one of flite's.
    public init(voice: String = "slt", speakingRate: Double = 1.0) throws {
        guard FliteVoices.names.contains(voice) else { throw SpeechSetupError.unknownVoice(voice, available: FliteVoices.names) }
        _ = try FliteVoices.voice(named: voice)
        self.voice = voice
        self.speakingRate = max(0.25, min(4, speakingRate))
    }

    public func synthesize(_ text: String, rate: SampleRate, start: MediaTime) throws -> SynthesisJob {
        let native = voice == "kal" ? 8000 : 16000
        let job = try SynthesisJob(text: text, rate: rate, sourceRate: native, start: start)
        let voice = self.voice
        let stretch = Float(1 / speakingRate)
        let thread = Thread {
            do {
                try FliteVoices.withLock {
                    let v = try FliteVoices.voiceLocked(named: voice)
                    rs_flite_set_duration_stretch(v, stretch)
                    let box = Unmanaged.passRetained(job)
                    defer { box.release() }
                    rs_flite_set_streaming(v, fliteChunk, box.toOpaque(), 320)
                    defer { rs_flite_clear_streaming(v) }
                    // One sentence at a time: the first chunk waits only for the first sentence,
                    // and a cancelled job stops at the next sentence even if flite ignores STOP.
                    for sentence in Self.sentences(of: text) where !job.isCancelled {
                        let before = job.framesProduced
                        // flite's clustergen voices draw excitation noise from the C library's rand();
                        // reseeding per sentence makes the same text sound the same every time, whatever
                        // was synthesised before in the process.
                        srand(1)
                        guard let utt = flite_synth_text(sentence, v) else { continue }
                        // Voices without streaming support hand over the whole wave.
                        if job.framesProduced == before && !job.isCancelled, let w = utt_wave(utt), let samples = w.pointee.samples {
                            var i = 0
                            let n = Int(w.pointee.num_samples)
                            let chunk = Int(w.pointee.sample_rate) / 50
                            while i < n, job.deliver(UnsafeBufferPointer(start: samples + i, count: min(chunk, n - i))) { i += chunk }
                        }
                        delete_utterance(utt)
                    }
                }
                job.finish()
            } catch {
                job.finish(error: error)
            }
        }
        thread.name = "ringside.tts.flite"
        thread.start()
        return job
    }

    /// Splits text after sentence-ending punctuation followed by a space.
    static func sentences(of text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var previous: Character = " "
        for c in text {
            if c == " ", ".?!;".contains(previous), current.count > 1 {
                out.append(current)
                current = ""
            } else {
                current.append(c)
            }
            previous = c
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { out.append(current) }
        return out
    }
}

/// flite's streaming callback: passes each chunk to the job; stops flite when the job is cancelled.
private func fliteChunk(_ wave: UnsafePointer<cst_wave>?, _ start: Int32, _ size: Int32, _ last: Int32,
                        _ info: UnsafeMutablePointer<cst_audio_streaming_info>?) -> Int32 {
    guard let wave, let info, let user = info.pointee.userdata, let samples = wave.pointee.samples, size > 0 else { return CST_AUDIO_STREAM_CONT }
    let job = Unmanaged<SynthesisJob>.fromOpaque(user).takeUnretainedValue()
    let ok = job.deliver(UnsafeBufferPointer(start: samples + Int(start), count: Int(size)))
    return ok ? CST_AUDIO_STREAM_CONT : CST_AUDIO_STREAM_STOP
}
