import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Session
import Speech

/// Where a live call's audio comes from and goes, and how it is shown and recorded.
struct CallAudioOptions: ParsableArguments {
    @Option(help: "Read the caller's audio from this WAV file instead of the microphone (no audio server needed).")
    var input: String?

    @Option(help: "Write the agent's audio to this WAV file instead of the speaker.")
    var output: String?

    @Option(help: "PulseAudio server (default: PULSE_SERVER or the local one).")
    var server: String?

    @Option(help: "Microphone (source) name, as listed by `ringside devices`.")
    var mic: String?

    @Option(help: "Speaker (sink) name, as listed by `ringside devices`.")
    var speaker: String?

    @Option(help: "Record the call into this folder (default: under $XDG_DATA_HOME/ringside/calls).")
    var record: String?

    @Flag(help: "Do not record the call.")
    var noRecord = false

    @Flag(help: "Keep the call's copy of the agent database in the recording folder (it holds every record of the seed, personal data included).")
    var keepDatabase = false

    @Option(help: "Theme for the screen: default, light, mono, or a file.")
    var theme: String?

    @Flag(help: "No screen: print the conversation as lines (also when standard output is not a terminal).")
    var noTUI = false

    @Flag(help: "With --input: run in virtual time, as fast as the machine goes.")
    var virtual = false

    @Option(help: RecognizerEngine.optionHelp)
    var stt: RecognizerEngine?

    @Option(help: "Echo cancelling between speaker and microphone: auto (load PulseAudio's module-echo-cancel when both are real devices and it is available), on (fail without it), off.")
    var echoCancel: EchoCancelMode = .auto

    @Option(help: "Caller audio quieter than this fraction of the agent's own recent level counts as echo, not barge-in (0 disables; speakers without echo cancelling want about 0.5).")
    var echoGuard: Double?

    @Option(help: "How the end of the caller's turn is decided: smart (the Smart Turn model hears the pause, the transcript rules as a second opinion; the rules alone when the model is not installed) or rules.")
    var turn: TurnDetectorChoice = .smart

    @Option(help: "Answer ahead: at a pause of the caller's turn, work out the agent's reply (tools that change anything wait) and play it the moment the turn ends on those words: on or off. Off by default: with the intent engine the reply takes milliseconds, and answering ahead was not measured faster.")
    var speculate: OnOff = .off

    @Option(help: "Voice activity detection, which tells the caller's speech from silence and noise: silero (a learned model; energy when it is not installed) or energy (level over the noise floor; takes background voices for the caller).")
    var vad: VADChoice = .energy

    /// The recording folder for this call, or nil when recording is off.
    func recordingDirectory(agent: String, callID: String) -> URL? {
        if noRecord { return nil }
        if let record { return URL(fileURLWithPath: record) }
        return CallRecorder.defaultRoot().appendingPathComponent(CallRecorder.folderName(agent: agent, callID: callID))
    }
}

extension VADChoice: ExpressibleByArgument {}

/// A switch given as `on` or `off`.
enum OnOff: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

/// `--turn`: how the end of a caller's turn is decided.
enum TurnDetectorChoice: String, ExpressibleByArgument, CaseIterable {
    case smart, rules
}

extension CallAudioOptions {
    /// The end-of-turn model `--turn` asks for, started; nil for the rules (said on stderr when the
    /// model was wanted but cannot run).
    func endOfTurnModel() async -> (any EndOfTurnModel)? { await Self.endOfTurnModel(turn) }

    static func endOfTurnModel(_ turn: TurnDetectorChoice) async -> (any EndOfTurnModel)? {
        guard turn == .smart else { return nil }
        do {
            let model = try SmartTurnModel()
            try await model.start()
            return model
        } catch {
            FileHandle.standardError.write(Data("ringside: Smart Turn unavailable (\(error)); the end of turn is decided by the transcript rules\n".utf8))
            return nil
        }
    }

    /// The detectors `--vad` asks for (said on stderr, in one line, when Silero cannot run).
    func vadDetectors() -> VADFactory {
        vad.detectors { FileHandle.standardError.write(Data("ringside: \($0)\n".utf8)) }.0
    }

    /// The caller's audio: `--input FILE.wav`, else the (chosen) microphone, started. Returns it and its name.
    func openMicrophone(rate: SampleRate, clock: any CallClock, streamName: String, device: String? = nil) throws -> (source: any AudioSource, name: String) {
        if let input {
            return (try WAVFileSource(path: input, rate: rate), input)
        }
        let mic = device ?? self.mic
        let capture = try PulseCapture(options: streamOptions(device: mic, rate: rate, streamName: streamName), clock: clock)
        capture.start()
        return (capture, mic ?? "default microphone")
    }

    /// Where audio is heard: `--output FILE.wav`, else the (chosen) speaker, started. Returns it and its name.
    func openSpeaker(rate: SampleRate, clock: any CallClock, streamName: String, device: String? = nil) throws -> (sink: any AudioSink, name: String) {
        if let output {
            return (try WAVFileSink(path: output, rate: rate), output)
        }
        let speaker = device ?? self.speaker
        let playback = try PulsePlayback(options: streamOptions(device: speaker, rate: rate, streamName: streamName), clock: clock)
        playback.start()
        return (playback, speaker ?? "default speaker")
    }

    /// A call's PulseAudio stream on `device` (nil: the server's default), 40 ms buffered.
    private func streamOptions(device: String?, rate: SampleRate, streamName: String) -> PulseStreamOptions {
        var options = PulseStreamOptions(server: server, device: device, rate: rate, bufferMilliseconds: 40, streamName: streamName)
        options.applicationName = "Ringside"
        return options
    }
}

/// Whether a call loads the audio server's echo canceller.
enum EchoCancelMode: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off
}

extension CallAudioOptions {
    /// Loads `module-echo-cancel` between the chosen microphone and speaker when the call uses both
    /// (not WAV files) and the mode allows; returns it, or nil with the reason it is off.
    func loadEchoCanceller(usesMicrophone: Bool, usesSpeaker: Bool) throws -> (EchoCanceller?, String) {
        guard echoCancel != .off else { return (nil, "off (--echo-cancel off)") }
        guard usesMicrophone, usesSpeaker, input == nil, output == nil else { return (nil, "off (no speaker-to-microphone path)") }
        do {
            let aec = try EchoCanceller.load(server: server, microphone: mic, speaker: speaker)
            return (aec, "on (module-echo-cancel, \(aec.method))")
        } catch {
            if echoCancel == .on { throw error }
            return (nil, "off (\(error))")
        }
    }
}

/// A live call's speaker and (when it has one) microphone, opened through the echo canceller when
/// one was loaded. Whoever opened them unloads `echoCanceller` when the call is over.
struct CallAudioDevices {
    var speaker: (sink: any AudioSink, name: String)
    var microphone: (source: any AudioSource, name: String)?
    var echoCanceller: EchoCanceller?
    /// Whether echo cancelling is on, and why (for the headless transcript).
    var echoCancelNote: String
}

extension CallAudioOptions {
    /// Loads the echo canceller when the call uses a real microphone and speaker (and the mode allows),
    /// then opens the speaker and, with a `microphoneStream`, the microphone through it. Prints why and
    /// exits 3 when the audio server fails (or echo cancelling is required but unavailable), 2 for a bad WAV file.
    func openDevices(rate: SampleRate, clock: any CallClock, speakerStream: String, microphoneStream: String?) throws -> CallAudioDevices {
        let echoCanceller: EchoCanceller?
        let echoCancelNote: String
        do {
            // Speaker and microphone in one room: the agent's own voice must not come back as the caller's.
            (echoCanceller, echoCancelNote) = try loadEchoCanceller(usesMicrophone: microphoneStream != nil, usesSpeaker: true)
        } catch {
            printError("echo cancelling is required (--echo-cancel on) but unavailable: \(error)")
            throw ExitCode(3)
        }
        do {
            let speaker = try openSpeaker(rate: rate, clock: clock, streamName: speakerStream, device: echoCanceller?.sink)
            let microphone = try microphoneStream.map { try openMicrophone(rate: rate, clock: clock, streamName: $0, device: echoCanceller?.source) }
            return CallAudioDevices(speaker: speaker, microphone: microphone, echoCanceller: echoCanceller, echoCancelNote: echoCancelNote)
        } catch {
            echoCanceller?.unload()
            switch error {
            case let error as AudioServerError:
                printError(error.description)
                throw ExitCode(3)
            case let error as WAVError:
                printError(error.description)
                throw ExitCode(2)
            default:
                throw error
            }
        }
    }
}
