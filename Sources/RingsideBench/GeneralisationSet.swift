import Audio
import Foundation
import RingsideCore
import Speech

/// Speech nobody here tuned on: sentences written for this set alone (not the sample calls, not the
/// speech corpus), spoken by voices the library's calls do not use (espeak-ng, flite's kal), clean
/// and as 8 kHz μ-law telephone audio. Reported apart from the tuning sets; never change Ringside
/// to make one of these pass.
enum GeneralisationSet {
    static let sentences = [
        "hi there I was hoping to see someone about my knee sometime next week",
        "could you check whether my prescription is ready for collection",
        "I'm running about twenty minutes late for my appointment this afternoon",
        "my daughter has a temperature and a rash since yesterday evening",
        "is the surgery open on the bank holiday monday",
        "the parcel was left with a neighbour but nobody has it",
        "I was charged twice for the same order last month",
        "can I change the delivery to my work address instead",
        "the box arrived crushed and two of the glasses are broken",
        "please cancel everything and refund the full amount to my card",
        "I'd rather come in early in the morning before work if possible",
        "what time do you close on saturdays",
        "my reference is seven three one nine two",
        "I think I spelled my email address wrong when I registered",
        "actually make that the twelfth not the eleventh",
        "sorry the line is really bad can you say that again",
        "I need to speak to someone about a complaint",
        "is there any parking near the clinic",
        "the tracking page hasn't updated since tuesday",
        "we moved house in august so the old address is wrong",
        "could I get a callback later today instead",
        "my husband usually books these for me",
        "it was meant to arrive by the twenty third",
        "do I need to bring anything with me to the appointment",
        "can you read me back what you have booked",
        "I'd like a female doctor if that's possible",
        "the last four digits of the card are eight eight two zero",
        "no that's all thank you for your help",
        "I've been waiting on hold for ages already",
        "quarter past ten on thursday would suit me best",
    ]
    static let voices: [(engine: String, voice: String)] = [("espeak-ng", "en-us"), ("flite", "kal")]

    struct Result: Codable, Sendable {
        var voice: String
        var condition: String
        var engine: String
        var wer: Double
        var utterances: Int
    }

    static func run() async throws -> [Result] {
        var out: [Result] = []
        let whisper = try WhisperModel.shared()
        for (engine, voice) in voices {
            let tts: any SpeechSynthesizer = engine == "flite" ? try FliteSynthesizer(voice: voice) : try EspeakSynthesizer(voice: voice)
            var clips: [[Int16]] = []
            for s in sentences {
                var samples: [Int16] = []
                for try await f in try tts.synthesize(s, rate: .hz16000).frames { samples += f.samples }
                clips.append(samples)
            }
            for condition in ["clean", "telephone-8k-ulaw"] {
                for final in ["pocketsphinx", "whisper"] {
                    var total = WordErrorRate(errors: 0, referenceWords: 0)
                    for (s, clip) in zip(sentences, clips) {
                        let streaming = try PocketSphinxRecognizer(configuration: .standard())
                        let recognizer: any SpeechRecognizer = final == "whisper"
                            ? TwoPassRecognizer(streaming: streaming, whisper: whisper, settings: .virtualTime) : streaming
                        let lead = [Int16](repeating: 0, count: 16 * 300), tail = [Int16](repeating: 0, count: 16 * 1500)
                        var frames = AudioFrame.frames(from: lead + clip + tail, rate: .hz16000)
                        if condition != "clean" {
                            let narrow = G711.muLawDecode(G711.muLawEncode(try Resampler.convert(lead + clip + tail, from: 16000, to: 8000)))
                            frames = AudioFrame.frames(from: narrow, rate: .hz8000)
                        }
                        let listener = SpeechListener(recognizer: recognizer, vad: EnergyVAD())
                        var heard: [String] = []
                        for f in frames {
                            for e in try await listener.process(f) { if case let .finalTranscript(_, t, _) = e.payload, !t.isEmpty { heard.append(t) } }
                        }
                        for e in try await listener.flush() { if case let .finalTranscript(_, t, _) = e.payload, !t.isEmpty { heard.append(t) } }
                        total = total + WordErrorRate(reference: s, hypothesis: heard.joined(separator: " "))
                    }
                    out.append(Result(voice: "\(engine) \(voice)", condition: condition, engine: final, wer: total.rate, utterances: sentences.count))
                    FileHandle.standardError.write(Data("generalisation: \(engine) \(voice) / \(condition) / \(final): WER \(String(format: "%.1f", total.rate * 100)) %\n".utf8))
                }
            }
        }
        return out
    }

    /// The process's peak resident memory, MB (getrusage).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
