import Agent
import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Speech

/// `ringside transcribe`: runs a WAV file through the embedded speech layer as if it were a call.
struct TranscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe a WAV file with the embedded recogniser, turn by turn.",
        discussion: """
            Reads 16-bit PCM WAV at any rate, feeds it in 20 ms frames through voice activity \
            detection, the turn detector and pocketsphinx, and prints partial transcripts as they \
            change (on a terminal) and each turn's final transcript with its confidence; with \
            --engine whisper (the default) Whisper writes each final and pocketsphinx only the partials. \
            --vocabulary adapts the recogniser to a domain (one phrase per line); --agent DIR adapts it to an agent \
            (its example phrases, slot values and the names in its database), as a call with that agent does.
            """
    )

    @Argument(help: "The WAV file to transcribe.")
    var file: String

    @Flag(help: "Print one JSON object per line for each partial, end of turn and final.")
    var json = false

    @Option(help: "A text file of domain phrases, one per line; lines starting with 'slot:' are slot values.")
    var vocabulary: String?

    @Option(help: "An agent folder: recognise with the model adapted to that agent.")
    var agent: String?

    @Option(help: "What the first turn is expected to be: open, yes-no, date, time, number, digits[:N], one-of:A|B|C.")
    var expect: String = "open"

    @Option(name: .customLong("model-dir"), help: "Folder of the pocketsphinx en-us model (default: RINGSIDE_SPHINX_MODEL or Debian's).")
    var modelDirectory: String?

    @Flag(help: "Treat the audio as telephone band even at 16 kHz.")
    var narrowband = false

    @Option(help: "Who writes the finals: whisper or pocketsphinx (default: $RINGSIDE_STT, else whisper; falls back to pocketsphinx with a warning where Whisper cannot run unless named).")
    var engine: RecognizerEngine?

    func run() async throws {
        CommandLogging.bootstrap()
        do {
            try await transcribe()
        } catch let error as SpeechSetupError {
            printError(error.description)
            throw ExitCode.failure
        } catch let error as WhisperUnavailable {
            printError(error.description)
            throw ExitCode(2)
        } catch let error as WAVError {
            // A bad input file, like a bad agent folder: exit 2.
            printError(error.description)
            throw ExitCode(2)
        } catch let error as LocatedError {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    private func transcribe() async throws {
        let audio = try WAVFile.read(path: file)
        let rate = SampleRate(hertz: audio.sampleRate) ?? .hz16000
        let frames = try audio.frames(at: rate)
        var configuration = try PocketSphinxConfiguration.standard(modelDirectory: modelDirectory)
        configuration.narrowband = narrowband
        let recognizer = try PocketSphinxRecognizer(configuration: configuration)
        if let vocabulary { try await recognizer.adapt(to: try Self.readVocabulary(vocabulary)) }
        if let agent {
            do {
                try await recognizer.adapt(to: try AgentLoader.load(directory: URL(fileURLWithPath: agent)).vocabulary)
            } catch let error as LocatedError {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        var vocabularyForWhisper: DomainVocabulary?
        if let vocabulary { vocabularyForWhisper = try Self.readVocabulary(vocabulary) }
        if let agent { vocabularyForWhisper = try? AgentLoader.load(directory: URL(fileURLWithPath: agent)).vocabulary }
        let ears = try await RecognizerEngine.ears(streaming: recognizer, engine: engine, realtime: false, vocabulary: vocabularyForWhisper)
        let listener = SpeechListener(recognizer: ears, vad: EnergyVAD(), callID: (file as NSString).lastPathComponent)
        listener.expect(try Self.parseExpectation(expect))
        let terminal = isatty(STDOUT_FILENO) != 0 && !json
        var turnStart: [Int: MediaTime] = [:]
        var finals = 0
        for frame in frames {
            for e in try await listener.process(frame) { finals += emit(e, listener: listener, terminal: terminal, turnStart: &turnStart) }
        }
        for e in try await listener.flush() { finals += emit(e, listener: listener, terminal: terminal, turnStart: &turnStart) }
        if finals == 0 && !json { print("(no speech found)") }
    }

    /// Prints one event; returns 1 for a final transcript.
    private func emit(_ e: CallEvent, listener: SpeechListener, terminal: Bool, turnStart: inout [Int: MediaTime]) -> Int {
        switch e.payload {
        case .speechStarted:
            if turnStart[e.turn] == nil { turnStart[e.turn] = e.time }
        case let .partialTranscript(_, text):
            if json {
                printJSON(["type": "partial", "turn": e.turn, "time": e.time.seconds, "text": text])
            } else if terminal {
                FileHandle.standardOutput.write(Data(("\r\u{1B}[K… " + text).utf8))
            }
        case let .endOfTurn(trueEnd, rule):
            if json { printJSON(["type": "endOfTurn", "turn": e.turn, "time": e.time.seconds, "trueEnd": trueEnd.seconds, "rule": rule.description]) }
        case let .finalTranscript(_, text, confidence):
            let result = listener.lastResult
            if json {
                var object: [String: Any] = ["type": "final", "turn": e.turn, "time": e.time.seconds, "text": text, "confidence": confidence,
                                             "words": (result?.words ?? []).map { ["word": $0.word, "start": $0.start.seconds, "end": $0.end.seconds, "confidence": $0.confidence ?? 0] }]
                if let start = turnStart[e.turn] { object["start"] = start.seconds }
                if let i = result?.interpretation { object["interpretation"] = i }
                if let r = result {
                    object["engine"] = r.engine
                    if let f = r.fallback { object["fallback"] = f }
                    if let raw = r.rawText { object["raw"] = raw }
                    if r.unclear { object["unclear"] = true }
                }
                printJSON(object)
            } else {
                if terminal { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
                let start = turnStart[e.turn].map { String(format: "%.2f", $0.seconds) } ?? "?"
                var line = "[\(start)–\(String(format: "%.2f", (result?.audioEnd ?? e.time).seconds)) s] \(text.isEmpty ? (result?.unclear == true ? "(speech, words not made out)" : "(nothing recognised)") : text)"
                line += String(format: "  (confidence %.2f)", confidence)
                if let i = result?.interpretation { line += "  → \(i)" }
                if let r = result, r.engine != "pocketsphinx" || r.fallback != nil { line += "  [\(r.engine)\(r.fallback.map { ": \($0)" } ?? "")]" }
                print(line)
            }
            return 1
        default:
            break
        }
        return 0
    }

    private func printJSON(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        print(String(decoding: data, as: UTF8.self))
    }

    /// Reads a vocabulary file: one phrase per line, `slot: value` for slot values, `#` comments.
    static func readVocabulary(_ path: String) throws -> DomainVocabulary {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LocatedError(SourceLocation(file: path), problem: "cannot read the vocabulary file", suggestion: "give a text file with one phrase per line")
        }
        var v = DomainVocabulary()
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.lowercased().hasPrefix("slot:") {
                v.slotValues.append(String(line.dropFirst(5)).trimmingCharacters(in: .whitespaces))
            } else {
                v.phrases.append(line)
            }
        }
        return v
    }

    static func parseExpectation(_ s: String) throws -> RecognitionExpectation? {
        let lower = s.lowercased()
        switch lower {
        case "open", "": return nil
        case "yes-no", "yesno": return .yesNo
        case "date": return .date
        case "time": return .time
        case "number": return .number
        case "digits": return .digits(count: nil)
        default:
            if lower.hasPrefix("digits:"), let n = Int(lower.dropFirst(7)) { return .digits(count: n) }
            if lower.hasPrefix("one-of:") { return .oneOf(s.dropFirst(7).split(separator: "|").map(String.init)) }
            throw ValidationError("--expect \(s): use open, yes-no, date, time, number, digits[:N] or one-of:A|B|C")
        }
    }
}
