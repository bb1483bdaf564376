import ArgumentParser
import Audio
import Evaluation
import Foundation
import RingsideCore
import Session
import Synchronization
import TUI

/// `ringside replay [DIR]`: reopens a recorded call in the call screen and steps through it turn by
/// turn, playing each turn's audio; without a terminal (or with `--no-tui`) prints the turns.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reopen a recorded call: step turn by turn through transcript, latency and tools, and play its audio.",
        discussion: """
            DIR is a recording folder (written by talk, watch, call, serve or test); without it, the newest one under \
            $XDG_DATA_HOME/ringside/calls. Keys: ←/→ (or p/n) turn, Home/End first/last, Space play the turn, \
            T theme, ? help, q quit. Damaged recordings (a killed call) replay up to their last complete event.
            """
    )

    @Argument(help: "The recording folder (default: the newest recording).")
    var directory: String?

    @Option(help: "Start at this turn (1 = the first, as numbered on screen).")
    var turn: Int?

    @Flag(help: "No screen: print each turn (also when standard output is not a terminal).")
    var noTUI = false

    @Flag(help: "Play the chosen turn (--turn) or the whole call, then exit (with --no-tui).")
    var play = false

    @Option(help: "Write played audio to this WAV file instead of the speaker.")
    var output: String?

    @Option(help: "Speaker (sink) name, as listed by `ringside devices`.")
    var speaker: String?

    @Option(help: "PulseAudio server (default: PULSE_SERVER or the local one).")
    var server: String?

    @Option(help: "Theme for the screen: default, light, mono, or a file.")
    var theme: String?

    @Option(help: "Turn the recording into a scenario file (the caller's lines, with their recorded audio as clips next to it, and what the agent did as assertions to review).")
    var toScenario: String?

    @Option(help: "With --to-scenario: the agent folder, to check tool arguments against its definitions.")
    var agent: String?

    func run() async throws {
        CommandLogging.bootstrap(file: nil)
        let folder: URL
        if let directory {
            folder = URL(fileURLWithPath: directory)
        } else if let newest = Recording.newest() {
            folder = newest
        } else {
            printError("no recordings under \(CallRecorder.defaultRoot().path); give a recording folder")
            throw ExitCode(2)
        }
        let recording: Recording
        do {
            recording = try Recording.load(folder)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        for problem in recording.problems { printError(problem) }
        if let toScenario {
            do {
                try RecordingToScenario.writeScenario(recording: folder, agentDirectory: agent.map { URL(fileURLWithPath: $0) },
                                                      to: URL(fileURLWithPath: toScenario))
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
            print("scenario: \(toScenario) (review its assertions, then run: ringside test \(toScenario))")
            return
        }
        guard !recording.turns.isEmpty else {
            printError("\(folder.path): the recording has no events to replay")
            throw ExitCode(2)
        }
        let startIndex = max(0, min(recording.turns.count - 1, (turn ?? 1) - 1))
        let useScreen = !noTUI && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let player = TurnAudioPlayer(recording: recording, open: openSink)
        if useScreen {
            let themes = ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes")
            let model = ReplayModel(events: recording.events, turns: recording.turns, sessionInfo: Self.info(recording),
                                    folder: folder.lastPathComponent, notes: recording.problems, startAt: startIndex)
            let screen = ReplayScreen(model: model, themes: themes, initialTheme: theme)
            do {
                _ = try await screen.run(onPlay: { player.play(from: $0, to: $1) }, onStop: { player.stop() },
                                         isPlaying: { player.isPlaying })
            } catch {
                player.stop()
                printError(error.description)
                throw ExitCode(4)
            }
            player.wait()
            for p in themes.problems { printError("theme ignored: \(p)") }
            return
        }
        let chosen = turn.map { _ in [recording.turns[startIndex]] } ?? recording.turns
        for (i, t) in chosen.enumerated() {
            print(Self.describe(t, index: turn.map { _ in startIndex } ?? i, of: recording))
        }
        if play {
            let first = chosen.first!, last = chosen.last!
            player.play(from: first.start, to: last.end)
            player.wait()
            if let failure = player.failure {
                printError(failure)
                throw ExitCode(3)
            }
            print(String(format: "played %.2f s (%.2f–%.2f s)", (last.end - first.start).seconds, first.start.seconds, last.end.seconds))
        }
    }

    private func openSink(_ rate: SampleRate) throws -> any AudioSink {
        if let output { return try WAVFileSink(path: output, rate: rate) }
        var options = PulseStreamOptions(server: server, device: speaker, rate: rate, bufferMilliseconds: 40, streamName: "replay")
        options.applicationName = "Ringside"
        let playback = try PulsePlayback(options: options, clock: MonotonicClock())
        playback.start()
        return playback
    }

    static func info(_ recording: Recording) -> SessionInfo {
        var info = SessionInfo()
        info.agentName = recording.meta["agent"] ?? ""
        info.inputDevice = "recording"
        info.outputDevice = recording.directory.lastPathComponent
        return info
    }

    /// One turn as text: what each side said, the tools, and the latency stages.
    static func describe(_ t: RecordedTurn, index: Int, of recording: Recording) -> String {
        var latency = TurnLatency(turn: t.number)
        for e in recording.events where e.turn == t.number { latency.record(e) }
        var lines = [String(format: "turn %d/%d  %.2f–%.2f s", index + 1, recording.turns.count, t.start.seconds, t.end.seconds)]
        if !t.callerText.isEmpty { lines.append("  caller: \(t.callerText)") }
        if !t.agentText.isEmpty { lines.append("  agent:  \(t.agentText)") }
        // Tools, barge-ins, approvals, escalations, takeovers: as the headless live call prints them.
        for e in recording.events where e.turn == t.number {
            switch e.payload {
            case .finalTranscript, .ttsRequested, .farEndHeard: continue  // already above, joined per side
            default: if let line = LiveCall.line(for: e) { lines.append("  " + line.drop { $0 == " " }) }
            }
        }
        if let v2v = latency.voiceToVoiceMs {
            let stages = latency.stageBreakdown.map { "\($0.stage.rawValue) \(Int($0.ms.rounded()))" }.joined(separator: " · ")
            lines.append("  latency: voice-to-voice \(Int(v2v.rounded())) ms (\(stages))")
        }
        return lines.joined(separator: "\n")
    }
}

/// Plays stretches of a recording (both sides mixed) on its own thread; a new play or `stop` cuts
/// the one before it short.
final class TurnAudioPlayer: Sendable {
    private struct State {
        var generation = 0
        var playing = false
        var thread: Thread?
        var sink: (any AudioSink)?
        var failure: String?
    }
    private let recording: Recording
    private let open: @Sendable (SampleRate) throws -> any AudioSink
    private let state = Mutex(State())
    private let done = DispatchGroup()

    init(recording: Recording, open: @escaping @Sendable (SampleRate) throws -> any AudioSink) {
        self.recording = recording
        self.open = open
    }

    var isPlaying: Bool { state.withLock { $0.playing } }
    var failure: String? { state.withLock { $0.failure } }

    func play(from start: MediaTime, to end: MediaTime) {
        guard let rateHz = recording.audio?.sampleRate, let rate = SampleRate(hertz: rateHz) else {
            state.withLock { $0.failure = "the recording has no readable audio" }
            return
        }
        let samples = recording.mixedAudio(from: start, to: end)
        let generation = state.withLock { s -> Int in
            s.generation += 1
            s.playing = true
            return s.generation
        }
        done.enter()
        let thread = Thread { [self] in
            defer { done.leave() }
            do {
                let sink = try state.withLock { s -> any AudioSink in
                    if let sink = s.sink { return sink }
                    let sink = try open(rate)
                    s.sink = sink
                    return sink
                }
                for frame in AudioFrame.frames(from: samples, rate: rate) {
                    if state.withLock({ $0.generation != generation }) {
                        _ = sink.discardQueued()
                        return
                    }
                    try sink.write(frame)
                }
            } catch {
                state.withLock { $0.failure = "cannot play: \(error)" }
            }
            state.withLock { if $0.generation == generation { $0.playing = false } }
        }
        thread.name = "ringside.replay-audio"
        thread.start()
    }

    func stop() {
        state.withLock { s in
            s.generation += 1
            s.playing = false
        }
    }

    /// Waits for playing to end, then closes the sink (a WAV file gets its final header).
    func wait() {
        done.wait()
        let sink = state.withLock { s -> (any AudioSink)? in defer { s.sink = nil }; return s.sink }
        try? sink?.close()
    }
}
