internal import CEspeakNG
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
    /// Synthesise in a fresh `espeak-ng` process per utterance (the default). espeak-ng's library keeps
    /// state across utterances (its pitch flutter, among others), so in one process the same text comes
    /// out differently depending on what was said before: a simulated caller's audio, and so a
    /// scenario's verdict, would depend on the order of runs. A fresh process says it the same way each time.
    public var reproducible = true

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
        if reproducible {
            let thread = Thread { Self.synthesizeInProcess(text: text, voice: voice, wpm: Int(wpm), nativeRate: nativeRate, job: job) }
            thread.name = "ringside.tts.espeak"
            thread.start()
            return job
        }
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

extension EspeakSynthesizer {
    /// The espeak-ng program (Debian's espeak-ng package), found on PATH.
    static let program: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/espeak-ng"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// Runs `espeak-ng --stdout` for one utterance and delivers its samples to `job`.
    static func synthesizeInProcess(text: String, voice: String, wpm: Int, nativeRate: Int, job: SynthesisJob) {
        guard let program else {
            job.finish(error: SpeechSetupError.engineFailed(engine: "espeak-ng", reason: "the espeak-ng program is not on PATH (install Debian's espeak-ng)"))
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["-v", voice, "-s", "\(wpm)", "--stdout", "--", text]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            job.finish(error: SpeechSetupError.engineFailed(engine: "espeak-ng", reason: "cannot run \(program): \(error)"))
            return
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let pcm = pcmData(ofWAV: data) else {
            job.finish(error: SpeechSetupError.engineFailed(engine: "espeak-ng", reason: "espeak-ng exited with status \(process.terminationStatus)"))
            return
        }
        let samples = pcm.withUnsafeBytes { raw in (0..<(pcm.count / 2)).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) } }
        // Delivered a frame's worth at a time, as the library's callback would.
        let chunk = max(1, nativeRate / 50)
        var i = 0
        while i < samples.count, !job.isCancelled {
            let end = min(samples.count, i + chunk)
            let ok = samples[i..<end].withUnsafeBufferPointer { job.deliver($0) }
            if !ok { break }
            i = end
        }
        job.finish()
    }

    /// The bytes of a WAV's `data` chunk (espeak-ng writes 16-bit mono; its sizes may be left unset).
    static func pcmData(ofWAV data: Data) -> Data? {
        guard data.count >= 12, data.prefix(4) == Data("RIFF".utf8) else { return nil }
        var offset = 12
        while offset + 8 <= data.count {
            let id = data.subdata(in: offset..<offset + 4)
            let size = Int(data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian })
            if id == Data("data".utf8) { return data.subdata(in: offset + 8..<min(data.count, offset + 8 + size)) }
            offset += 8 + size + (size & 1)
        }
        return nil
    }
}

/// espeak-ng's synth callback: returns 1 to abort when the job was cancelled.
private func espeakChunk(_ wav: UnsafeMutablePointer<Int16>?, _ count: Int32, _ events: UnsafeMutablePointer<espeak_EVENT>?) -> Int32 {
    guard let events, let user = events.pointee.user_data else { return 0 }
    let job = Unmanaged<SynthesisJob>.fromOpaque(user).takeUnretainedValue()
    guard let wav, count > 0 else { return job.isCancelled ? 1 : 0 }
    return job.deliver(UnsafeBufferPointer(start: wav, count: Int(count))) ? 0 : 1
}
