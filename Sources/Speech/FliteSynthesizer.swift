internal import CFlite
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

    /// Each sentence's chunks as flite delivered them, by voice, stretch and text: an agent says the
    /// same lines call after call. About half an hour of 16 kHz audio (≈ 58 MB) at most.
    private static let sentenceCache = SynthesisCache<[[Int16]]>(capacity: 28_800_000) { $0.reduce(0) { $0 + $1.count } }

    public func synthesize(_ text: String, rate: SampleRate, start: MediaTime) throws -> SynthesisJob {
        let native = voice == "kal" ? 8000 : 16000
        let job = try SynthesisJob(text: text, rate: rate, sourceRate: native, start: start)
        let voice = self.voice
        let stretch = Float(1 / speakingRate)
        let thread = Thread {
            do {
                // One sentence at a time: the first chunk waits only for the first sentence,
                // and a cancelled job stops at the next sentence even if flite ignores STOP.
                for sentence in Self.sentences(of: text) where !job.isCancelled {
                    let key = "\(voice)|\(stretch)|\(sentence)"
                    if let chunks = Self.sentenceCache.lookup(key) {
                        for chunk in chunks { guard chunk.withUnsafeBufferPointer({ job.deliver($0) }) else { break } }
                        continue
                    }
                    let tap = ChunkTap(job: job)
                    try FliteVoices.withLock { try Self.synthesizeLocked(sentence, voice: voice, stretch: stretch, into: tap) }
                    if tap.complete, !job.isCancelled { Self.sentenceCache.store(key, tap.chunks) }
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

    /// One sentence through flite, its chunks to `tap`. Call inside `FliteVoices.withLock`.
    private static func synthesizeLocked(_ sentence: String, voice: String, stretch: Float, into tap: ChunkTap) throws {
        let v = try FliteVoices.voiceLocked(named: voice)
        rs_flite_set_duration_stretch(v, stretch)
        let box = Unmanaged.passRetained(tap)
        defer { box.release() }
        rs_flite_set_streaming(v, fliteChunk, box.toOpaque(), 320)
        defer { rs_flite_clear_streaming(v) }
        // flite's clustergen voices draw excitation noise from the C library's rand();
        // reseeding per sentence makes the same text sound the same every time, whatever
        // was synthesised before in the process.
        srand(1)
        guard let utt = flite_synth_text(sentence, v) else { return }
        defer { delete_utterance(utt) }
        // Voices without streaming support hand over the whole wave.
        if tap.chunks.isEmpty && tap.complete, let w = utt_wave(utt), let samples = w.pointee.samples {
            var i = 0
            let n = Int(w.pointee.num_samples)
            let chunk = Int(w.pointee.sample_rate) / 50
            while i < n, tap.deliver(UnsafeBufferPointer(start: samples + i, count: min(chunk, n - i))) { i += chunk }
        }
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

/// Passes a sentence's chunks to its job and keeps them for the cache; `complete` turns false once
/// the job refuses one (cancelled), so a cut-off sentence is never cached. Used on flite's thread only.
private final class ChunkTap: @unchecked Sendable {
    let job: SynthesisJob
    private(set) var chunks: [[Int16]] = []
    private(set) var complete = true

    init(job: SynthesisJob) { self.job = job }

    func deliver(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        guard complete else { return false }
        chunks.append(Array(samples))
        complete = job.deliver(samples)
        return complete
    }
}

/// flite's streaming callback: passes each chunk on; stops flite when the job is cancelled.
private func fliteChunk(_ wave: UnsafePointer<cst_wave>?, _ start: Int32, _ size: Int32, _ last: Int32,
                        _ info: UnsafeMutablePointer<cst_audio_streaming_info>?) -> Int32 {
    guard let wave, let info, let user = info.pointee.userdata, let samples = wave.pointee.samples, size > 0 else { return CST_AUDIO_STREAM_CONT }
    let tap = Unmanaged<ChunkTap>.fromOpaque(user).takeUnretainedValue()
    let ok = tap.deliver(UnsafeBufferPointer(start: samples + Int(start), count: Int(size)))
    return ok ? CST_AUDIO_STREAM_CONT : CST_AUDIO_STREAM_STOP
}
