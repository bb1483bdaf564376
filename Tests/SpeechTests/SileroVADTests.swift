import Audio
import Foundation
import RingsideCore
import Testing
@testable import Speech
#if canImport(Glibc)
import Glibc
#endif

/// Silero VAD: the real model, served by our model server as `make setup` installs it
/// (Tests/Support/install-smart-turn.sh), on speech synthesised by flite over a quiet hiss.
@Suite("Silero voice activity detection", .serialized)
struct SileroVADTests {
    /// `ms` of white noise at about −55 dBFS (a quiet line), seeded, as frames from `start`.
    static func hiss(_ ms: Int, rate: SampleRate, start: MediaTime, seed: UInt64 = 5) -> [AudioFrame] {
        var random = SplitMix64(seed: seed)
        return (0..<(ms / 20)).map { k in
            let samples = (0..<rate.samplesPerFrame).map { _ in Int16(Int(random.next() % 121) - 60) }
            return AudioFrame(rate: rate, samples: samples, timestamp: start + .milliseconds(Double(k * 20)))
        }
    }

    /// One second of hiss, then `text` spoken, then half a second of hiss; and the onset of the speech,
    /// in milliseconds from the start: the start of its first 20 ms within 30 dB of its loudest 20 ms
    /// (flite begins some words with a breath 50 dB down that no listener counts as the word).
    static func utterance(_ text: String, rate: SampleRate) async throws -> (frames: [AudioFrame], onsetMilliseconds: Double) {
        let speech = try await SpeechFixtures.speakTrimmed(text, voice: "kal")
        let spoken = AudioFrame.frames(from: speech, rate: .hz16000)
        let atRate = rate == .hz16000 ? spoken : try resampled(spoken, to: rate)
        let lead = hiss(1_000, rate: rate, start: .zero)
        let frames = SpeechFixtures.restamp(lead + atRate + hiss(500, rate: rate, start: .zero, seed: 6))
        let levels = atRate.map { AudioLevel(frame: $0).rmsDBFS }
        let loudest = levels.max() ?? 0
        let first = levels.firstIndex { $0 >= loudest - 30 } ?? 0
        return (frames, 1_000 + Double(first) * 20)
    }

    static func resampled(_ frames: [AudioFrame], to rate: SampleRate) throws -> [AudioFrame] {
        let resampler = try Resampler(from: 16_000, to: rate.hertz)
        return AudioFrame.frames(from: resampler.process(frames.flatMap(\.samples)), rate: rate)
    }

    @Test("speech onset is decided within 100 ms, at 16 and 8 kHz; the hiss before it is not speech")
    func onset() async throws {
        let service = try SileroVADService()
        defer { service.close() }
        for rate in [SampleRate.hz16000, .hz8000] {
            for text in ["Hello, I'd like to book an appointment.", "Yes.", "My number is four two seven."] {
                let (frames, onset) = try await Self.utterance(text, rate: rate)
                let vad = try service.makeDetector()
                let decisions = frames.map { vad.isSpeech($0) }
                #expect(vad.fallback == nil)
                let firstSpeech = try #require(decisions.firstIndex(of: true), "\(text) at \(rate): never speech")
                // A frame's decision is known once its last sample has arrived.
                let decided = Double(firstSpeech + 1) * 20
                let energy = EnergyVAD()
                let energyDecided = frames.firstIndex { energy.isSpeech($0) }.map { Double($0 + 1) * 20 - onset } ?? -1
                print("energy onset \(rate.hertz) Hz \"\(text)\": +\(Int(energyDecided)) ms")
                print("silero onset \(rate.hertz) Hz \"\(text)\": true onset \(Int(onset)) ms, decided \(Int(decided)) ms (+\(Int(decided - onset)) ms)")
                #expect(decided - onset <= 100, "\(text) at \(rate): decided \(decided - onset) ms after onset")
                #expect(decided - onset >= 0, "\(text) at \(rate): speech before the speech")
                let spoken = decisions[Int(onset / 20)...].prefix(Int(Double(frames.count) - onset / 20) - 25)
                #expect(Double(spoken.filter { $0 }.count) >= 0.7 * Double(spoken.count), "\(text): speech mostly missed")
            }
        }
    }

    @Test("each stream keeps its own state: two interleaved streams decide as each would alone")
    func streamsAreIndependent() async throws {
        let service = try SileroVADService()
        defer { service.close() }
        let (speech, _) = try await Self.utterance("Could you tell me your opening hours?", rate: .hz16000)
        let quiet = Self.hiss(speech.count * 20, rate: .hz16000, start: .zero, seed: 9)
        let alone = try service.makeDetector()
        let reference = speech.map { alone.isSpeech($0) }
        let a = try service.makeDetector(), b = try service.makeDetector()
        var interleaved: [Bool] = [], other: [Bool] = []
        for (s, q) in zip(speech, quiet) {
            interleaved.append(a.isSpeech(s))
            other.append(b.isSpeech(q))
        }
        #expect(interleaved == reference)
        #expect(!other.contains(true))
    }

    @Test("the cost per second of audio, in the server and seen from the call")
    func cost() async throws {
        let service = try SileroVADService()
        defer { service.close() }
        let (frames, _) = try await Self.utterance("I would like to change the delivery address of my order please.", rate: .hz16000)
        let vad = try service.makeDetector()
        for frame in frames { _ = vad.isSpeech(frame) }
        let seconds = Double(frames.count) / 50
        print(String(format: "silero cost: %.1f s of audio, %d chunks; server %.2f ms/s, round trips %.2f ms/s (%.3f ms per chunk)",
                     seconds, vad.chunks, vad.modelMilliseconds / seconds, vad.roundTripMilliseconds / seconds,
                     vad.roundTripMilliseconds / Double(vad.chunks)))
        #expect(vad.chunks == frames.count * 320 / SileroVAD.chunkSamples)
        #expect(vad.modelMilliseconds > 0)
        // 31 chunks a second; a budget of 3 ms per chunk seen from the call, far above what it takes.
        #expect(vad.roundTripMilliseconds / Double(vad.chunks) < 3)
    }

    @Test("a server that dies mid-call leaves the stream on energy detection, still hearing speech")
    func serverDeathFallsBack() async throws {
        let service = try SileroVADService()
        defer { service.close() }
        let vad = try service.makeDetector()
        let (frames, _) = try await Self.utterance("Hello, I'd like to book an appointment.", rate: .hz16000)
        for frame in frames.prefix(20) { _ = vad.isSpeech(frame) }
        #expect(vad.fallback == nil)
        let pid = try #require(service.serverProcessID)
        kill(pid, SIGKILL)
        let decisions = frames.dropFirst(20).map { vad.isSpeech($0) }
        #expect(vad.fallback != nil)
        #expect(decisions.contains(true), "energy detection heard nothing")
        // The service starts a new server for the next stream.
        let next = try service.makeDetector()
        _ = frames.map { next.isSpeech($0) }
        #expect(next.fallback == nil && next.chunks > 0)
    }

    @Test("--vad silero without an install: one line saying why, and energy detectors")
    func missingInstallFallsBack() {
        var lines: [String] = []
        let (factory, service) = VADChoice.silero.detectors(environment: ["RINGSIDE_SMART_TURN_PREFIX": "/nonexistent/smart-turn"]) { lines.append($0) }
        #expect(service == nil)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("Silero VAD unavailable") == true && lines.first?.contains("/nonexistent/smart-turn") == true)
        #expect(factory() is EnergyVAD)
        let (energy, none) = VADChoice.energy.detectors { lines.append($0) }
        #expect(energy() is EnergyVAD && none == nil && lines.count == 1)
    }
}
