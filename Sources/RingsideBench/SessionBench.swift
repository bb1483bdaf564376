import Agent
import ArgumentParser
import Audio
import Evaluation
import Foundation
import RingsideCore
import Session
import Speech
import Synchronization

/// `ringside-bench session`: voice-to-voice latency of whole calls through the real PulseAudio loop.
///
/// Each sample call runs as `ringside test --target pulse` runs it (`PulseCallLoop`): the simulated
/// caller plays into a null sink (the "room"), Ringside captures that sink's monitor as its
/// microphone and plays the agent into a second null sink. Two more captures listen to both sinks'
/// monitors on one clock, so voice-to-voice is measured where the sound is: the caller's last voiced
/// frame to the agent's first voiced frame. The same calls then run in virtual time for comparison.
/// Writes `.bench/session.json`.
struct SessionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Voice-to-voice through the real PulseAudio loop (and in virtual time) for sample calls of both agents.",
        discussion: "Targets: p50 ≤ 300 ms, p95 ≤ 450 ms, premature cut-offs ≤ 3 %."
    )

    @Argument(help: "Scenario files or folders.") var paths: [String] = ["sample-calls"]
    @Option(help: "Only scenarios with one of these tags (comma-separated).") var tags = "smoke"
    @Option(help: "Calls per agent (real time: each takes as long as the call).") var perAgent = 4
    @Option(help: "Only the detector run with this label (e.g. \"smart turn + rules + speculation\"); all by default.") var only: String?
    @Flag(help: "Print each call's voice-to-voice at the sound and from the events, turn by turn, with the stages.") var perTurn = false
    @Option(help: "Also run each detector with Whisper's decode starting after this much silence (ms), in the same run.") var decodeAfter: Int?
    @Option(help: "Also run each detector with the learned model first asked after this much silence (ms), in the same run.") var askAfter: Int?
    @OptionGroup var options: BenchOptions

    func run() async throws {
        let server = options.server ?? ProcessInfo.processInfo.environment["PULSE_SERVER"]
        let all = ScenarioEntry.filter(ScenarioEntry.load(paths: paths.map { URL(fileURLWithPath: $0) }), tags: tags.split(separator: ",").map(String.init))
        var byAgent: [String: [Scenario]] = [:]
        for case let .loaded(s) in all where s.audio.isClean && s.turns.allSatisfy({ $0.bargeInAfterMs == nil }) {
            byAgent[s.agentDirectory.lastPathComponent, default: []].append(s)
        }
        let scenarios = byAgent.keys.sorted().flatMap { byAgent[$0]!.sorted { $0.id < $1.id }.prefix(perAgent) }
        guard !scenarios.isEmpty else { throw ValidationError("no clean scenarios match \(paths) with tags \(tags)") }

        let loop = try PulseCallLoop(server: server, name: "ringside_bench")
        defer { loop.close() }

        // The same calls with each end-of-turn detector, in one run: the transcript rules (the old
        // path) and Smart Turn with the rules as a second opinion (the new one), when installed.
        var detectors: [(name: String, model: (any EndOfTurnModel)?)] = [("rules", nil)]
        var notes: [String] = []
        do {
            let model = try SmartTurnModel()
            try await model.start()
            detectors.append(("smart turn + rules", model))
        } catch {
            notes.append("Smart Turn not measured: \(error)")
        }
        // Silero VAD instead of the energy one, with the last detector, no speculation.
        let (silero, sileroService) = VADChoice.silero.detectors { notes.append("Silero VAD not measured: \($0)") }
        defer { sileroService?.close() }
        typealias Run = (detector: (name: String, model: (any EndOfTurnModel)?), speculate: Bool, vad: VADChoice, timings: PauseTimings?)
        var runs: [Run] = []
        // With --decode-after/--ask-after, each detector also runs with those pause timings, right
        // after the same detector with the defaults (the old path and the new side by side).
        let variant = decodeAfter == nil && askAfter == nil ? nil
            : PauseTimings(decodeAfter: decodeAfter.map { .milliseconds(Double($0)) }, askAfter: askAfter.map { .milliseconds(Double($0)) })
        for detector in detectors {
            for speculate in [false, true] {
                runs.append((detector, speculate, .energy, nil))
                if let variant { runs.append((detector, speculate, .energy, variant)) }
            }
        }
        if sileroService != nil, let last = detectors.last { runs.append((last, false, .silero, nil)) }
        var report = BenchReport(name: "session")
        var lines = 0, failedCalls: [String] = []
        // Each detector with the reply worked out ahead at pauses and without, in the same run.
        for run in runs {
            let (detector, speculate, vad) = (run.detector, run.speculate, run.vad)
            let base = detector.name + (speculate ? " + speculation" : "") + (vad == .silero ? " + silero VAD" : "")
            if let only, base != only { continue }
            let label = base + (run.timings.map { " (\($0.label))" } ?? "")
            var acoustic: [Double] = [], sessionV2V: [Double] = []
            var stages: [LatencyStage: [Double]] = [:]
            var premature = 0, speculated = 0, held = 0
            lines = 0
            for scenario in scenarios {
                print("real time (\(label)): \(scenario.id) …")
                do {
                    var vadFactory: VADFactory = { EnergyVAD() }
                    if vad == .silero { vadFactory = silero }
                    let call = try await Self.realTimeCall(scenario, loop: loop, endOfTurnModel: detector.model, speculate: speculate,
                                                           vad: vadFactory, timings: run.timings)
                    speculated += call.turns.filter { $0.speculation != nil }.count
                    held += call.turns.filter { $0.speculation?.held == true }.count
                    acoustic += call.acousticMs
                    sessionV2V += call.turns.compactMap(\.voiceToVoiceMs)
                    for turn in call.turns where turn.voiceToVoiceMs != nil {
                        for (stage, ms) in turn.stageBreakdown { stages[stage, default: []].append(ms) }
                    }
                    lines += call.linesSpoken
                    premature += call.prematureTurns
                    if perTurn { Self.printTurns(call) }
                } catch {
                    failedCalls.append("\(scenario.id) (\(label)): \(error)")
                }
            }
            // The rules without speculation keep the names the table had before speculation existed.
            let prefix = detector.model == nil && !speculate && vad == .energy && run.timings == nil ? "" : "\(label): "
            report.add(prefix + "calls (real time)", Double(scenarios.count - failedCalls.filter { $0.contains("(\(label))") }.count), "calls")
            if speculate {
                report.add(prefix + "turns speculated on", Double(speculated), "turns")
                report.add(prefix + "speculations held", speculated > 0 ? Double(held) * 100 / Double(speculated) : 0, "%")
            }
            report.addDistribution(prefix + "v2v at the sound (PulseAudio loop)", acoustic, unit: "ms")
            let p = Percentiles(acoustic)
            if !acoustic.isEmpty {
                report.add(prefix + "v2v p50 target", p.p50, "ms", target: "≤ 300 ms", met: p.p50 <= 300)
                report.add(prefix + "v2v p95 target", p.p95, "ms", target: "≤ 450 ms", met: p.p95 <= 450)
            }
            report.addDistribution(prefix + "v2v from events (session clock)", sessionV2V, unit: "ms")
            for stage in LatencyStage.allCases {
                if let values = stages[stage], !values.isEmpty { report.add(prefix + "median \(stage.rawValue)", Percentiles(values).p50, "ms") }
            }
            let prematureRate = lines > 0 ? Double(premature) * 100 / Double(lines) : 0
            report.add(prefix + "premature cut-offs", prematureRate, "%", target: "≤ 3 %", met: prematureRate <= 3)
        }

        // Babble on the line (virtual time): what each VAD lets through while the agent talks.
        if let scenario = scenarios.first {
            var babbly = scenario
            babbly.audio = LineConditions(seed: 3, noise: .babble, snrDB: 10)
            for (vad, factory) in [(VADChoice.energy, { EnergyVAD() } as VADFactory)] + (sileroService == nil ? [] : [(VADChoice.silero, silero)]) {
                print("virtual time, babble at 10 dB (\(vad.rawValue) VAD): \(scenario.id) …")
                let buses = Mutex<[CallEventBus]>([])
                var options = ScenarioRunner.Options(parallelism: 1)
                options.vad = factory
                options.onCall = { _, bus in buses.withLock { $0.append(bus) } }
                let result = await ScenarioRunner(options: options).run([.loaded(babbly)]).first
                guard let events = buses.withLock({ $0.first })?.events else { continue }
                let intrusions = NoiseIntrusions(events: events)
                report.add("\(vad.rawValue) VAD: barge-ins on babble (10 dB)", Double(intrusions.bargeIns), "barge-ins")
                report.add("\(vad.rawValue) VAD: babble taken for the caller", Double(intrusions.phantomStarts), "starts")
                report.add("\(vad.rawValue) VAD: babble call passes", result?.verdict == .pass ? 1 : 0, "")
            }
        }
        report.notes += notes

        print("virtual time: \(scenarios.count) calls …")
        let virtualResults = await ScenarioRunner(options: .init(parallelism: ProcessInfo.processInfo.activeProcessorCount))
            .run(scenarios.map { .loaded($0) })
        let virtual = virtualResults.flatMap(\.metrics.voiceToVoiceMs)

        report.add("caller lines", Double(lines), "lines")
        report.addDistribution("v2v virtual time (same calls)", virtual, unit: "ms")
        report.notes.append("scenarios: " + scenarios.map(\.id).joined(separator: ", "))
        report.notes.append("acoustic v2v: caller's last voiced frame on the room sink's monitor → agent's first voiced frame on the agent sink's monitor")
        report.notes.append("premature cut-off: a caller line split into more than one end-of-turn decision")
        report.notes.append("speculation: the reply worked out at a pause of ≥ 200 ms and played at once when the turn ended on the same words; held = share of speculated turns whose reply was the one worked out ahead")
        for f in failedCalls { report.notes.append("failed: \(f)") }
        report.printTable()
        try report.write(to: options.output)
    }

    struct RealTimeCall {
        var acousticMs: [Double]
        var turns: [TurnLatency]
        var linesSpoken: Int
        var prematureTurns: Int
    }

    /// One scenario through the runner's PulseAudio loop, with two more ears on the loop's sinks
    /// (on one clock of their own) to time voice-to-voice where the sound is.
    static func realTimeCall(_ scenario: Scenario, loop: PulseCallLoop, endOfTurnModel: (any EndOfTurnModel)? = nil,
                             speculate: Bool = true, vad: @escaping VADFactory = { EnergyVAD() },
                             timings: PauseTimings? = nil) async throws -> RealTimeCall {
        let clock = MonotonicClock()
        let room = Mutex<[(MediaTime, Bool)]>([]), agent = Mutex<[(MediaTime, Bool)]>([])
        let roomEar = try SinkMonitor(loop: loop, sink: loop.roomSink, clock: clock) { f in room.withLock { $0.append((f.timestamp, SinkMonitor.isVoiced(f))) } }
        let agentEar = try SinkMonitor(loop: loop, sink: loop.agentSink, clock: clock) { f in agent.withLock { $0.append((f.timestamp, SinkMonitor.isVoiced(f))) } }
        let recordings = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-bench-session-\(getpid())")
        defer { try? FileManager.default.removeItem(at: recordings) }
        var options = ScenarioRunner.Options(target: .pulse, parallelism: 1, recordRoot: recordings, pulseLoop: loop)
        options.endOfTurnModel = endOfTurnModel
        options.speculate = speculate
        options.vad = vad
        options.decodeAfter = timings?.decodeAfter
        options.askModelAfter = timings?.askAfter
        let result = await ScenarioRunner.runOnce(scenario, run: 1, options: options)
        roomEar.stop()
        agentEar.stop()
        guard result.verdict != .error, let directory = result.recording else { throw HarnessError(result.firstReason) }
        let events = try Recording.load(URL(fileURLWithPath: directory)).events
        let endOfTurns = events.filter { if case .endOfTurn = $0.payload { return true } else { return false } }.count
        let lines = result.callerTurns ?? 0
        return RealTimeCall(acousticMs: acousticVoiceToVoice(room: room.withLock { $0 }, agent: agent.withLock { $0 }),
                            turns: TurnLatency.turns(from: events), linesSpoken: lines, prematureTurns: max(0, endOfTurns - lines))
    }

    /// `--per-turn`: the call's figures side by side, to see where the sound and the events part.
    static func printTurns(_ call: RealTimeCall) {
        print("  at the sound: " + call.acousticMs.map { String(format: "%.0f", $0) }.joined(separator: " ") + " ms")
        for turn in call.turns {
            guard let v2v = turn.voiceToVoiceMs else { continue }
            let stages = turn.stageBreakdown.map { "\($0.stage.rawValue) \(Int($0.ms))" }
            let spec = turn.speculation.map { $0.held == true ? " (speculated, held)" : " (speculated, missed)" } ?? ""
            print("  turn \(turn.turn): events \(Int(v2v)) ms = " + stages.joined(separator: " + ") + spec)
        }
    }

    /// For each stretch of caller sound followed by agent sound before the caller speaks again:
    /// the gap from the caller's last voiced frame to the agent's first. Caller pauses shorter than
    /// `pause` belong to the same utterance.
    static func acousticVoiceToVoice(room: [(MediaTime, Bool)], agent: [(MediaTime, Bool)], pause: MediaTime = .milliseconds(900)) -> [Double] {
        let callerVoiced = room.filter(\.1).map(\.0)
        let agentVoiced = agent.filter(\.1).map(\.0)
        guard !callerVoiced.isEmpty else { return [] }
        // Utterance ends: a voiced frame followed by a gap longer than `pause` (or the last one).
        var ends: [(end: MediaTime, next: MediaTime?)] = []
        for (i, t) in callerVoiced.enumerated() {
            let next = i + 1 < callerVoiced.count ? callerVoiced[i + 1] : nil
            if next == nil || next! - t > pause { ends.append((t + AudioFrame.duration, next)) }
        }
        var out: [Double] = []
        for (end, next) in ends {
            guard let onset = agentVoiced.first(where: { $0 >= end }) else { continue }
            if let next, onset > next { continue }  // the caller spoke again first: no answer to this one
            out.append((onset - end).milliseconds)
        }
        return out
    }
}

/// When Whisper's decode and the learned model start in a caller's pause, where not the defaults.
struct PauseTimings: Equatable {
    var decodeAfter: MediaTime?
    var askAfter: MediaTime?

    var label: String {
        [decodeAfter.map { "decode at \(Int($0.seconds * 1000)) ms" }, askAfter.map { "ask at \(Int($0.seconds * 1000)) ms" }]
            .compactMap { $0 }.joined(separator: ", ")
    }
}
