import ArgumentParser
import Evaluation
import Foundation
import RingsideCore
import Speech

/// `ringside-bench suite`: runs the sample-call library in virtual time and reports its wall time
/// against the sum of its call durations (the speed-up over real time).
struct SuiteBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "Run the sample-call library in virtual time; report wall time vs call time.",
        discussion: "Writes .bench/suite.json. Target: at least 20× faster than real time."
    )

    @Argument(help: "Scenario files or folders.") var paths: [String] = ["sample-calls"]
    @Option(help: "Only scenarios with one of these tags (comma-separated).") var tags: String?
    @Option(help: "Calls at once (default: the number of cores).") var jobs: Int?
    @Option(help: "Folder for the JSON figures.") var output = ".bench"
    @Flag(help: "Reuse speech recognisers between calls (as ringside test --reuse-recognizers).") var reuseRecognizers = false
    @Option(help: "Who writes the caller's finals: whisper, pocketsphinx, or both (two runs, the same figures side by side).")
    var stt = "both"

    func run() async throws {
        let engines: [RecognizerEngine] = stt == "both" ? [.pocketsphinx, .whisper] : [RecognizerEngine(rawValue: stt) ?? .whisper]
        for engine in engines { try await run(engine: engine, name: engines.count > 1 ? "suite-\(engine.rawValue)" : "suite") }
    }

    private func run(engine: RecognizerEngine, name: String) async throws {
        let tagList = tags?.split(separator: ",").map(String.init) ?? []
        let entries = ScenarioEntry.filter(ScenarioEntry.load(paths: paths.map { URL(fileURLWithPath: $0) }), tags: tagList)
        var options = ScenarioRunner.Options()
        if let jobs { options.parallelism = jobs }
        if reuseRecognizers { options.recognizers = RecognizerPool() }
        options.stt = engine
        let started = ContinuousClock.now
        let results = await ScenarioRunner(options: options).run(entries)
        let took = ContinuousClock.now - started
        let wall = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        let summary = SuiteSummary(results, wallSeconds: wall)
        var report = BenchReport(name: name)
        report.add("runs", Double(summary.runs), "calls")
        report.add("passed", Double(summary.passed), "calls")
        report.add("caller WER", (summary.callerWER ?? 0) * 100, "%")
        report.add("peak resident memory (process)", GeneralisationSet.peakResidentMB(), "MB")
        report.add("wall time", wall, "s")
        report.add("sum of call durations", summary.callSeconds, "s")
        report.add("speed-up over real time", summary.speedUp, "×", target: "≥ 20×", met: summary.speedUp >= 20)
        report.add("per-call wall time", wall / Double(max(1, summary.runs)), "s")
        report.add("parallel calls", Double(options.parallelism), "")
        // Where the wall time goes, summed over calls (they overlap when calls run in parallel).
        let phases = results.compactMap(\.phases)
        func total(_ key: KeyPath<RunPhases, Double>) -> Double { phases.map { $0[keyPath: key] }.reduce(0, +) }
        report.add("caller synthesis (sum)", total(\.synthesis), "s")
        report.add("call setup incl. recogniser (sum)", total(\.setup), "s")
        report.add("recogniser adaptation (sum)", total(\.adaptation), "s")
        report.add("calls in virtual time (sum)", total(\.call), "s")
        report.add("grading (sum)", total(\.grading), "s")
        if engine == .whisper, let model = try? WhisperModel.shared() {
            let counts = model.scheduler.counts
            report.add("whisper decodes run (process)", Double(counts.ran), "")
            report.add("whisper decodes answered from the cache", Double(model.scheduler.cached), "")
            report.add("whisper speculative decodes thrown away", Double(counts.aborted + counts.skipped), "")
            report.addDistribution("whisper decode time", model.scheduler.decodeSeconds.map { $0 * 1000 }, unit: "ms")
        }
        report.addDistribution("voice-to-voice", summary.voiceToVoice.count > 0 ? results.flatMap(\.metrics.voiceToVoiceMs) : [], unit: "ms")
        report.notes.append("virtual time on the embedded pipeline, finals by \(engine.rawValue); see ringside test for verdicts")
        if reuseRecognizers { report.notes.append("recognisers reused between calls") }
        report.printTable()
        try report.write(to: output)
    }
}
