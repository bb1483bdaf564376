import Agent
import ArgumentParser
import Evaluation
import Foundation
import RingsideCore
import Session
import Speech
import Telephony

/// `ringside test PATH...`: run sample-call scenarios against their agents, grade them, report.
struct TestCalls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run sample calls against their agents and grade them.",
        discussion: """
            PATH is a scenario file, an agent folder, or a folder of agents (every calls/*.yaml under it). \
            Each scenario is a whole call on the embedded pipeline in virtual time (far faster than real \
            time), several at once, each recorded like a live call. Exit status: 0 when every run passes, \
            1 when any fails or regresses against --baseline, 2 when the harness could not run one \
            (a malformed scenario, an agent that does not load).

            With --target pulse each scenario runs on the embedded agent in real time through PulseAudio, \
            one call at a time: two null sinks are loaded on the server in $PULSE_SERVER (or the default \
            server) for the run; the simulated caller plays into the first, the agent's microphone is its \
            monitor; the agent plays into the second, whose monitor is the caller's ear (it takes turns and \
            barges in on the agent's sound). Voice, noise, barge-in and reactive turns are as in virtual time, \
            and so are the grading, the reports and the recordings. No sound card is involved; a server that \
            cannot be reached makes every run an error (exit 2).

            With --shard I/N only a share of the selected scenarios runs (after --tags), for splitting a suite \
            across CI jobs: scenarios are known by their path from the agent folder (AGENT/calls/FILE.yaml), so \
            a scenario lands in the same shard on every machine. Without --shard-timings the sorted scenarios \
            are dealt round-robin; with it, the longest first into the least-loaded shard (one not in the \
            timings counts as their mean). `ringside report merge` joins the shards' --json reports into one.

            With --target sip:URI each scenario is a real call to that agent instead, in real time, one at a \
            time: the simulated caller speaks into the call and the agent's audio is transcribed locally. \
            What only the agent knows (tool calls, approvals, escalation, its recording) is reported as not \
            observable; database checks run when --database names the agent's database file \
            (e.g. `ringside serve --database clinic.sqlite`).
            """
    )

    @Argument(help: "Scenario files or folders (default: sample-calls).")
    var paths: [String] = ["sample-calls"]

    @Option(help: "Only scenarios with one of these tags (comma-separated), e.g. smoke.")
    var tags: String?

    @Option(help: "Run only shard I of N (e.g. 2/3) of the selected scenarios: the same share on every machine, for one CI job each; `ringside report merge` joins their JSON reports.")
    var shard: String?

    @Option(help: "With --shard: a JSON report of an earlier run (--json); shards are balanced by each scenario's wall time there instead of by count.")
    var shardTimings: String?

    @Option(help: "Where calls run: embedded (virtual time), pulse (the embedded agent in real time through PulseAudio), or a SIP URI such as sip:agent@127.0.0.1:5062 (real calls, real time).")
    var target = "embedded"

    @Option(help: RecognizerEngine.optionHelp)
    var stt: RecognizerEngine?

    @Option(help: "With a SIP target: the agent's database file, for the scenarios' database checks.")
    var database: String?

    @Option(help: "With a SIP target: local address for SIP and RTP.")
    var address = "127.0.0.1"

    @Option(help: "With a SIP target: codecs to offer, in order: opus, pcmu, pcma.")
    var codecs = "opus,pcmu,pcma"

    @Option(help: "Calls at once (default: the number of cores; always one with --target pulse).")
    var jobs: Int?

    @Option(help: "Record each run under this folder (default: a temporary folder).")
    var recordings: String?

    @OptionGroup(title: "Reports")
    var reports: ReportFileOptions

    @Option(help: "A JSON report from an earlier run: newly failing scenarios and slower p95 are regressions.")
    var baseline: String?

    @Option(help: "How much worse (ms) a scenario's voice-to-voice p95 may get before it is a regression.")
    var marginMs: Double = 150

    @Option(help: "A price table (YAML: stt_per_minute, tts_per_minute, telephony_per_minute, llm_per_1k_tokens, currency): reports show estimated costs.")
    var prices: String?

    @Option(help: "Who answers embedded calls: engine (the intent engine), llm (the LLM for every request; the engine when it fails) or hybrid (the engine for what it recognises confidently, the LLM for the rest). The LLM is the agent file's llm: server, or --llm-url.")
    var brain: BrainChoice = .engine

    @Option(name: .customLong("llm-url"), help: "With --brain llm or hybrid: an OpenAI-compatible server's base URL (e.g. http://127.0.0.1:8080/v1), in place of the agent file's llm: url.")
    var llmURL: String?

    @Option(name: .customLong("llm-model"), help: "With --llm-url: the model name to ask the server for (default: the agent file's, else 'local').")
    var llmModel: String?

    @Flag(help: "Reuse speech recognisers between calls: several times faster; not yet validated across the whole library.")
    var reuseRecognizers = false

    @Flag(name: [.short, .long], help: "No per-run progress lines.")
    var quiet = false

    @Flag(help: "Watch the run on a terminal: every scenario listed with its verdict, the running call's transcript, latency, timeline and tools below; Enter opens a call, q closes the screen (the run goes on).")
    var tui = false

    @Option(help: "Theme for --tui.")
    var theme: String?

    func run() async throws {
        CommandLogging.bootstrap()
        let isSIP = target.hasPrefix("sip:") || target.hasPrefix("sips:")
        guard let runTarget = isSIP ? RunTarget.sip : RunTarget(rawValue: target), runTarget != .sip || isSIP else {
            throw ValidationError("unknown target '\(target)'; use embedded, pulse or a SIP URI such as sip:agent@127.0.0.1:5062")
        }
        var priceTable: PriceTable?
        if let prices {
            do throws(LocatedError) {
                priceTable = try PriceTable.load(URL(fileURLWithPath: prices))
            } catch {
                printError(error.description)
                throw ExitCode(2)
            }
        }
        guard let offered = MediaCodec.list(codecs) else { throw ValidationError("--codecs takes opus, pcmu and/or pcma") }
        let (share, timings) = try shardOptions()
        let urls = paths.map { URL(fileURLWithPath: $0) }
        let tagList = tags?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? []
        var entries = ScenarioEntry.filter(ScenarioEntry.load(paths: urls), tags: tagList)
        guard !entries.isEmpty else {
            printError("no scenarios found under \(paths.joined(separator: " ")) (scenario files live in AGENT/calls/*.yaml)")
            throw ExitCode(2)
        }
        if let share {
            let selected = entries.count
            entries = share.select(entries, timings: timings)
            // Not an error: a CI matrix may have more shards than a tag selects; its empty report still merges.
            if entries.isEmpty { printError("shard \(share) has no scenarios (\(selected) selected, fewer than the shards); writing an empty report") }
        }
        // Also in the results table, but a load error must not scroll by on stdout: one line each on stderr.
        for error in ScenarioEntry.loadErrors(entries, checkingAgents: !isSIP) { printError(error.description) }
        var options = ScenarioRunner.Options(target: runTarget, recordRoot: recordings.map { URL(fileURLWithPath: $0) })
        options.stt = stt
        if isSIP {
            // Real-time calls: one at a time unless asked, so calls do not compete for the CPU they are timed on.
            options.parallelism = 1
            options.remote = SIPAgentDialer(target: target, phone: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: address, port: 0),
                                                                                      mediaAddress: address, codecs: offered),
                                            databaseURL: database.map { URL(fileURLWithPath: $0) })
        }
        if let jobs { options.parallelism = jobs }
        if brain == .engine, llmURL != nil || llmModel != nil { throw ValidationError("--llm-url and --llm-model go with --brain llm or --brain hybrid") }
        options.environment = brain.environment(url: llmURL, model: llmModel)
        if reuseRecognizers { options.recognizers = RecognizerPool() }
        let total = entries.reduce(0) { n, e in if case let .loaded(s) = e { return n + s.runs } else { return n + 1 } }
        let board = tui && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 ? TestBoard(
            entries: entries, title: "TEST " + paths.joined(separator: " ") + (share.map { " shard \($0)" } ?? ""), transport: isSIP ? target : (runTarget == .pulse ? "real time (PulseAudio)" : "virtual time"), theme: theme) : nil
        if let board { options.onCall = board.callStarted }
        let runner = ScenarioRunner(options: options)
        let quiet = self.quiet
        let done = LockedValue(0)
        let started = ContinuousClock.now
        let watching = board?.start()
        let results = await runner.run(entries) { r in
            let n = done.withLock { $0 += 1; return $0 }
            board?.finished(r, done: n, total: total)
            guard !quiet, board?.isShowing != true else { return }
            let reason = r.firstReason.isEmpty ? "" : " — " + r.firstReason
            print("[\(n)/\(total)] \(r.verdict.rawValue.uppercased()) \(r.name) (\(String(format: "%.1f", r.metrics.durationSeconds)) s call, \(String(format: "%.1f", r.wallSeconds)) s wall)\(reason)")
            if let hidden = r.notObservable, !hidden.isEmpty { print("        not observable over SIP: \(hidden.joined(separator: ", "))") }
        }
        let took = ContinuousClock.now - started
        if let board, let watching {
            // The screen stays until q, so the last calls can be read.
            board.runEnded(results)
            await watching.value
        }
        let wall = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        var regressions: [String] = []
        if let baseline {
            do throws(ReportFileError) {
                let old = try TestReport.read(URL(fileURLWithPath: baseline))
                regressions = BaselineComparison.regressions(current: results, baseline: old.results, marginMs: marginMs)
            } catch {
                printError("cannot read the baseline \(error)")
                throw ExitCode(2)
            }
        }
        let report = TestReport(ringside: RingsideVersion.string, target: runTarget.rawValue, results: results, wallSeconds: wall, regressions: regressions,
                                prices: priceTable)
        print("\n" + TerminalTable.render(report), terminator: "")
        try reports.write(report)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// `--shard` and `--shard-timings`, read before any call runs; a bad value is one line and exit 2.
    private func shardOptions() throws -> (ScenarioShard?, ShardTimings?) {
        guard let shard else {
            if shardTimings != nil {
                printError("--shard-timings balances shards: use it with --shard I/N")
                throw ExitCode(2)
            }
            return (nil, nil)
        }
        let share: ScenarioShard
        do throws(ShardSpecError) { share = try ScenarioShard(parsing: shard) } catch {
            printError("--shard \(shard): \(error)")
            throw ExitCode(2)
        }
        guard let shardTimings else { return (share, nil) }
        do throws(ReportFileError) {
            return (share, try ShardTimings.load(URL(fileURLWithPath: shardTimings)))
        } catch {
            printError("cannot read the shard timings \(error)")
            throw ExitCode(2)
        }
    }
}

extension BrainChoice: ExpressibleByArgument {}
