import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Speech

/// `ringside say`: speaks text with an embedded voice, to a WAV file or the speakers.
struct SayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Speak text with flite or espeak-ng, to a WAV file or through PulseAudio.",
        discussion: "flite voices: slt, rms, awb, kal. espeak-ng voices: en-us, en, en-gb, … Without -o the audio plays at once."
    )

    @Argument(help: "The text to speak.")
    var text: String

    @Option(help: "flite or espeak.")
    var engine: String = "flite"

    @Option(help: "Voice name (flite: slt, rms, awb, kal; espeak: en-us, en, …).")
    var voice: String?

    @Option(help: "Speaking rate; 1.0 is the voice's natural pace.")
    var rate: Double = 1.0

    @Option(name: .shortAndLong, help: "Write a WAV file instead of playing.")
    var output: String?

    @Option(name: .customLong("sample-rate"), help: "Output rate: 8000, 16000 or 48000.")
    var sampleRate: Int = 16000

    @Option(help: "PulseAudio server for playback (default: PULSE_SERVER or the local one).")
    var server: String?

    @Flag(help: "Report the first-chunk latency and audio length on stderr.")
    var timing = false

    func run() async throws {
        CommandLogging.bootstrap()
        guard let sessionRate = SampleRate(hertz: sampleRate) else { throw ValidationError("--sample-rate \(sampleRate): use 8000, 16000 or 48000") }
        do {
            let tts: any SpeechSynthesizer
            switch engine.lowercased() {
            case "flite": tts = try FliteSynthesizer(voice: voice ?? "slt", speakingRate: rate)
            case "espeak", "espeak-ng": tts = try EspeakSynthesizer(voice: voice ?? "en-us", speakingRate: rate)
            default: throw ValidationError("--engine \(engine): use flite or espeak")
            }
            let job = try tts.synthesize(text, rate: sessionRate)
            var frames = 0
            if let output {
                var samples: [Int16] = []
                for try await f in job.frames { samples += f.samples; frames += 1 }
                try WAVFile.write(PCMAudio(sampleRate: sessionRate.hertz, channels: 1, samples: samples), to: output)
            } else {
                let playback = try PulsePlayback(options: PulseStreamOptions(server: server, rate: sessionRate, streamName: "say"), clock: MonotonicClock())
                playback.start()
                for try await f in job.frames { try playback.write(f); frames += 1 }
                try playback.close()
            }
            if timing {
                let first = job.firstChunkLatency.map { String(format: "%.1f ms", Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000) } ?? "n/a"
                printError("first audio after \(first); \(String(format: "%.2f", Double(frames) * 0.02)) s of speech")
            }
        } catch let error as SpeechSetupError {
            printError(error.description)
            throw ExitCode.failure
        } catch let error as AudioServerError {
            printError(error.description + " (use -o FILE.wav to write a file instead)")
            throw ExitCode.failure
        }
    }
}
