import Agent
import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Session
import Speech
import TUI

/// Runs one call on the embedded agent with real audio (or WAV files), on the call screen or
/// headless, and reports where it was recorded. Shared by `talk` and `watch`.
struct LiveCall {
    var agentDirectory: String
    var audio: CallAudioOptions
    /// Approval requests: ask (keys a/d on screen), all, or none.
    var approve = "ask"
    /// Builds the caller's audio; nil means the microphone (or `--input`).
    var simulatedCaller: (@Sendable (CallEventBus) throws -> any AudioSource)?
    /// In `watch`, the operator's microphone is separate from the (simulated) caller.
    var operatorUsesMicrophone = false
    var transport = "embedded"

    func run() async throws {
        let callID = String(UUID().uuidString.prefix(8)).lowercased()
        let agentName = URL(fileURLWithPath: agentDirectory).lastPathComponent
        let recordDirectory = audio.recordingDirectory(agent: agentName, callID: callID)
        let useScreen = !audio.noTUI && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        if let recordDirectory {
            try? FileManager.default.createDirectory(at: recordDirectory, withIntermediateDirectories: true)
        }
        CommandLogging.bootstrap(file: useScreen ? recordDirectory?.appendingPathComponent("ringside.log").path ?? "/dev/null" : nil)

        let virtual = audio.virtual && (audio.input != nil || simulatedCaller != nil)
        let clock: any CallClock = virtual ? VirtualClock() : MonotonicClock()
        let rate = SampleRate.hz16000
        let usesMicrophone = simulatedCaller == nil || operatorUsesMicrophone
        let devices = try audio.openDevices(rate: rate, clock: clock, speakerStream: simulatedCaller == nil ? "agent" : "call monitor",
                                            microphoneStream: usesMicrophone ? (simulatedCaller == nil ? "caller" : "operator") : nil)
        let echoCanceller = devices.echoCanceller
        let echoCancelNote = devices.echoCancelNote
        defer { echoCanceller?.unload() }
        let outputName = devices.speaker.name, inputName = devices.microphone?.name ?? "microphone"
        let microphone = devices.microphone?.source
        let farEnd: any AudioSink
        var monitor: (any AudioSink)?
        if simulatedCaller == nil || audio.output != nil {
            farEnd = devices.speaker.sink
        } else {
            // Watching: the simulated caller hears the agent through the bus; the operator hears both.
            farEnd = NullSink(rate: rate)
            monitor = devices.speaker.sink
        }

        let approval: ApprovalMode
        switch approve {
        case "all": approval = .approveAll
        case "none": approval = .denyAll
        case "ask": approval = useScreen ? .ask : .denyAll
        default:
            printError("--approve takes ask, all or none")
            throw ExitCode(2)
        }
        var options = EmbeddedCall.Options(agentDirectory: URL(fileURLWithPath: agentDirectory), callID: callID, clock: clock,
                                           realtime: !virtual, rate: rate, recordDirectory: recordDirectory, approvalMode: approval)
        options.stt = audio.stt
        options.endOfTurnModel = await audio.endOfTurnModel()
        options.speculate = audio.speculate == .on
        options.vad = audio.vadDetectors()
        options.keepDatabase = audio.keepDatabase
        // The guard stays on with the canceller too, lower: cancellers leave a residue while they adapt.
        options.echoGuardRatio = audio.echoGuard ?? ((audio.output == nil && simulatedCaller == nil) ? (echoCanceller == nil ? 0.3 : 0.15) : 0)
        let callerSource: @Sendable (CallEventBus) throws -> any AudioSource
        if let simulatedCaller {
            callerSource = simulatedCaller
        } else if let microphone {
            callerSource = { _ in microphone }
        } else {
            printError("no caller audio: give --input FILE.wav or start an audio server")
            throw ExitCode(3)
        }
        let call: EmbeddedCall
        do {
            call = try await EmbeddedCall.make(options, audio: .init(
                caller: callerSource, farEnd: farEnd, monitor: monitor,
                operatorMicrophone: simulatedCaller != nil ? microphone : nil))
        } catch let error as LocatedError {
            printError(error.description)
            throw ExitCode(2)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }

        let session = call.session
        if useScreen {
            let info = SessionInfo(agentName: call.definition.name, transport: transport, stt: RecognizerEngine.headerName(audio.stt),
                                   brain: "intent engine", tts: "flite \(call.definition.voice)",
                                   inputDevice: simulatedCaller != nil ? "simulated caller" : inputName, outputDevice: outputName,
                                   echoCancel: echoCanceller != nil)
            let themes = ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes")
            let screen = CallScreen(sessionInfo: info, themes: themes, initialTheme: audio.theme, stopWhenEventsEnd: false)
            let events = call.bus.stream(name: "screen")
            let running = Task { await session.run(transport: transport) }
            do {
                _ = try await screen.run(events: events, clock: clock) { action in
                    if let command = Self.command(for: action) { session.send(command) }
                }
            } catch {
                session.send(.hangUp)
                _ = await running.value
                printError(error.description)
                throw ExitCode(4)
            }
            session.send(.hangUp)
            let reason = await running.value
            for p in themes.problems { printError("theme ignored: \(p)") }
            print("call ended: \(reason)")
        } else {
            print("echo cancelling: \(echoCancelNote)")
            call.bus.observe(name: "console") { event in
                if let line = Self.line(for: event) { print(line) }
            }
            let reason = await session.run(transport: transport)
            print("call ended: \(reason)")
        }
        if let recordDirectory { print("recording: \(recordDirectory.path)") }
    }

    /// The session command for an operator action; nil for the softphone's own (DTMF, hold), which the
    /// phone carries out.
    static func command(for action: OperatorAction) -> SessionCommand? {
        switch action {
        case .takeOver: return .takeOver(operatorName: ProcessInfo.processInfo.environment["USER"] ?? "operator")
        case .handBack: return .handBack
        case let .setMicMuted(m): return .setMuted(m)
        case let .approve(id): return .approve(id: id)
        case let .deny(id): return .deny(id: id)
        case let .say(text): return .typed(text)
        case .quit: return .hangUp
        case .dtmf, .setOnHold, .dropAgent, .transfer: return nil
        }
    }

    /// The headless transcript: one line per thing a person would want to read.
    static func line(for event: CallEvent) -> String? {
        let t = String(format: "%7.2f", event.time.seconds)
        switch event.payload {
        case let .finalTranscript(speaker, text, confidence) where !text.isEmpty:
            return "\(t) \(speaker.rawValue): \(text)  (confidence \(String(format: "%.2f", confidence)))"
        case let .ttsRequested(text):
            return "\(t) agent: \(text)"
        case let .farEndHeard(text):
            return "\(t) far end (heard): \(text)"
        case let .toolFinished(trace):
            return "\(t) tool: \(trace.tool) \(trace.arguments) -> \(trace.result ?? "")"
        case let .toolFailed(trace, error):
            return "\(t) tool: \(trace.tool) \(trace.arguments) failed: \(error)"
        case let .bargeIn(heard, fraction):
            return "\(t) barge-in: caller cut in after \(Int(fraction * 100))% (heard: \(heard))"
        case let .approvalRequested(id, tool, arguments):
            return "\(t) approval \(id): \(tool) \(arguments)"
        case let .approvalDecided(id, approved, by):
            return "\(t) approval \(id): \(approved ? "approved" : "denied") by \(by)"
        case let .escalated(summary, target):
            return "\(t) escalated to \(target ?? "a human"): \(summary)"
        case let .takeover(by):
            return "\(t) taken over by \(by)"
        case .handback:
            return "\(t) handed back to the agent"
        case .playoutStarted:
            return nil
        case let .error(message):
            return "\(t) error: \(message)"
        default:
            return nil
        }
    }
}

/// A sink that discards audio (the simulated caller hears the agent through the bus, not a device).
final class NullSink: AudioSink, @unchecked Sendable {
    let rate: SampleRate
    init(rate: SampleRate) { self.rate = rate }
    func write(_ frame: AudioFrame) throws {}
    func close() throws {}
}
