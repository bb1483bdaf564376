import Audio
import Foundation
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Telephony

extension BaresipPeer {
    /// Waits (bounded) until baresip answers OPTIONS from `agent`.
    func waitUntilListening(_ agent: SIPUserAgent) async -> Bool {
        for _ in 0..<50 {
            if let r = try? await agent.options(uri: uri, timeout: 0.5), r.status == 200 { return true }
            if hasExited { return false }
        }
        return false
    }

    /// The audio baresip decoded from its call, if it wrote any.
    func heardAudio() throws -> PCMAudio? {
        try heardAudioFile.map { try WAVFile.read(path: $0.path, lenient: true) }
    }
}

/// Speech helpers for interop tests: a flite sentence as a WAV, and a whole recording through pocketsphinx.
enum InteropSpeech {
    /// Synthesises `text` (rms voice, mono at `rate`) with `leading`/`trailing` seconds of silence into `url`.
    static func writeSentence(_ text: String, to url: URL, rate: SampleRate = .hz16000, leading: Double = 0.5, trailing: Double = 1.0) async throws {
        let voice = try FliteSynthesizer(voice: "rms")
        var samples = [Int16](repeating: 0, count: Int(leading * Double(rate.hertz)))
        for try await frame in try voice.synthesize(text, rate: rate).frames { samples += frame.samples }
        samples += [Int16](repeating: 0, count: Int(trailing * Double(rate.hertz)))
        try WAVFile.write(PCMAudio(sampleRate: rate.hertz, channels: 1, samples: samples), to: url.path)
    }

    /// The words pocketsphinx hears in `samples`, lower case. 8 kHz audio, or `narrowband` 16 kHz
    /// audio that came through G.711, is decoded as telephone band.
    static func transcribe(_ samples: [Int16], rate: Int, narrowband: Bool = false) async throws -> String {
        var audio = samples
        var frameRate = SampleRate.hz16000
        if rate == 8000 {
            frameRate = .hz8000
        } else if rate != 16000 {
            audio = try Resampler(from: rate, to: 16000).process(samples)
        }
        var configuration = try PocketSphinxConfiguration.standard()
        configuration.narrowband = narrowband
        let recognizer = try PocketSphinxRecognizer(configuration: configuration)
        try await recognizer.beginUtterance(expecting: nil)
        let n = frameRate.hertz / 50
        var start = 0
        while start + n <= audio.count {
            _ = try await recognizer.accept(AudioFrame(rate: frameRate, samples: Array(audio[start..<start + n]), timestamp: .zero))
            start += n
        }
        return try await recognizer.endUtterance().text.lowercased()
    }

    /// The words of `expected` that appear in `heard`.
    static func found(_ expected: [String], in heard: String) -> [String] {
        let words = Set(heard.split(separator: " ").map(String.init))
        return expected.filter { words.contains($0) }
    }
}
