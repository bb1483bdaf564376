import Speech
import Agent
import Audio
import Foundation
import GRDB
import Logging
import RingsideCore
import Session

/// Runs scenarios against an agent, several calls at once, each in virtual time and recorded like a
/// live call, and grades every run. With the `.pulse` target each call runs in real time through
/// a PulseAudio loop instead, one at a time (see `PulseCallLoop`).
public struct ScenarioRunner: Sendable {
    /// How to run.
    public struct Options: Sendable {
        public var target: RunTarget
        /// Calls at once (the machine's cores by default).
        public var parallelism: Int
        /// Each run records into `recordRoot/ID-runN`; nil records into a temporary folder.
        public var recordRoot: URL?
        /// Recognisers reused across calls (several times faster); nil, the default, builds one per
        /// call. Reuse is opt-in until it is validated across the whole library (see `RecognizerPool`).
        public var recognizers: RecognizerPool?
        /// Calls a remote agent in real time instead (`target` is then `.sip`); see `RemoteScenarioCall`.
        public var remote: (any RemoteAgentDialer)?
        /// Sees each run's call as it starts, by `ScenarioRunner.key(file:run:)` (to watch it: `test --tui`).
        public var onCall: (@Sendable (String, CallEventBus) -> Void)?
        /// With the `.pulse` target: the PulseAudio server (nil: `PULSE_SERVER` or the default).
        public var pulseServer: String?
        /// With the `.pulse` target: a loop already set up (one a benchmark listens to as well); nil
        /// sets one up for the run on `pulseServer`.
        public var pulseLoop: PulseCallLoop?
        /// Who writes the finals of the caller's turns (embedded) and of the agent's (remote); nil = preferred.
        public var stt: RecognizerEngine?
        /// Decides the end of the caller's turns with a learned model (embedded agents); nil: the rules.
        public var endOfTurnModel: (any EndOfTurnModel)?
        /// Embedded agents in real time: when Whisper's decode and the learned model start in a pause
        /// (see `EmbeddedCall.Options`); nil: their defaults.
        public var decodeAfter: MediaTime?
        public var askModelAfter: MediaTime?
        /// Embedded agents answer ahead at the caller's pauses (see `SessionConfiguration.speculate`).
        public var speculate = false
        /// Embedded agents' voice activity detector, one per stream.
        public var vad: VADFactory = { EnergyVAD() }
        /// Variables added to every embedded call's environment (`BrainChoice.environment`: which brain answers).
        public var environment: [String: String] = [:]

        public init(target: RunTarget = .embedded, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount, recordRoot: URL? = nil,
                    recognizers: RecognizerPool? = nil, remote: (any RemoteAgentDialer)? = nil, pulseServer: String? = nil,
                    pulseLoop: PulseCallLoop? = nil) {
            self.target = target
            self.pulseServer = pulseServer
            self.pulseLoop = pulseLoop
            self.parallelism = max(1, parallelism)
            self.recordRoot = recordRoot
            self.recognizers = recognizers
            self.remote = remote
        }
    }

    public let options: Options
    private static let logger = Logger(label: "ringside.evaluation")

    public init(options: Options = Options()) { self.options = options }

    /// Runs every entry (each loaded scenario `runs` times; invalid files become one error result each),
    /// calling `progress` as each run finishes. Results come back in entry and run order.
    public func run(_ entries: [ScenarioEntry], progress: @escaping @Sendable (ScenarioRunResult) -> Void = { _ in }) async -> [ScenarioRunResult] {
        enum Job: Sendable { case run(Scenario, Int), invalid(String, LocatedError) }
        var jobs: [Job] = []
        for entry in entries {
            switch entry {
            case let .loaded(s): for r in 1...s.runs { jobs.append(.run(s, r)) }
            case let .invalid(file, error): jobs.append(.invalid(file, error))
            }
        }
        var options = self.options
        // Real-time calls share one loop and the CPU they are timed on: one at a time.
        var ownLoop: PulseCallLoop?
        if options.target == .pulse {
            options.parallelism = 1
            if options.pulseLoop == nil {
                // When the server cannot be reached, each run tries and reports why as its error.
                ownLoop = try? PulseCallLoop(server: options.pulseServer)
                options.pulseLoop = ownLoop
            }
        }
        defer { ownLoop?.close() }
        let frozen = options
        var results = [ScenarioRunResult?](repeating: nil, count: jobs.count)
        await withTaskGroup(of: (Int, ScenarioRunResult).self) { group in
            var next = 0
            func start() {
                guard next < jobs.count else { return }
                let index = next
                let job = jobs[index]
                next += 1
                group.addTask {
                    switch job {
                    case let .run(s, r): return (index, await Self.runOnce(s, run: r, options: frozen))
                    case let .invalid(file, error):
                        return (index, ScenarioRunResult(scenarioID: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent, file: file,
                                                         run: 1, verdict: .error, reasons: [error.description]))
                    }
                }
            }
            for _ in 0..<options.parallelism { start() }
            for await (index, result) in group {
                results[index] = result
                progress(result)
                start()
            }
        }
        return results.compactMap { $0 }
    }

    /// Names one run of one scenario file, as `Options.onCall` and a result's `key` do.
    public static func key(file: String, run: Int) -> String { "\(file)#\(run)" }

    /// One run of one scenario; harness failures become an `.error` result.
    public static func runOnce(_ scenario: Scenario, run: Int, options: Options) async -> ScenarioRunResult {
        let started = ContinuousClock.now
        var result: ScenarioRunResult
        do {
            if let remote = options.remote {
                result = try await RemoteScenarioCall.run(scenario, run: run, dialer: remote, stt: options.stt, onCall: options.onCall)
            } else if options.target == .pulse {
                let loop = try options.pulseLoop ?? PulseCallLoop(server: options.pulseServer)
                defer { if options.pulseLoop == nil { loop.close() } }
                result = try await call(scenario, run: run, options: options, loop: loop)
            } else {
                result = try await call(scenario, run: run, options: options, loop: nil)
            }
        } catch {
            result = ScenarioRunResult(scenarioID: scenario.id, file: scenario.file, tags: scenario.tags, description: scenario.description,
                                       run: run, verdict: .error, reasons: ["the harness could not run the call: \(error)"])
        }
        let took = ContinuousClock.now - started
        result.wallSeconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        return result
    }

    /// One call on the embedded pipeline: in virtual time, or in real time through `loop`.
    private static func call(_ scripted: Scenario, run: Int, options: Options, loop: PulseCallLoop?) async throws -> ScenarioRunResult {
        // The caller answers the agent's "Is that about …?" from the scenario's goal (see `GoalAnswers`).
        var withGoal = scripted
        if let agent = try? AgentLoader.load(directory: scripted.agentDirectory) {
            withGoal.turns += GoalAnswers.turns(agent: agent, goal: scripted.assertions.toolsCalled)
        }
        let scenario = withGoal
        let root = options.recordRoot ?? FileManager.default.temporaryDirectory.appendingPathComponent("ringside-test-\(ProcessInfo.processInfo.processIdentifier)")
        let recording = root.appendingPathComponent("\(scenario.id)-run\(run)")
        try? FileManager.default.removeItem(at: recording)
        var phases = RunPhases()
        var mark = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            defer { mark = now }
            let d = now - mark
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let voice = try ScenarioVoice(profile: scenario.caller)
        let audio = try await voice.render(scenario.turns)
        let speechRMS = scenario.audio.noise == nil ? 0 : try await voice.speechRMS()
        let babble = scenario.audio.noise == .babble ? try await BabbleNoise.bed(seed: scenario.audio.seed, rate: voice.rate) : []
        // The scenario's HTTP services, up for the length of the call.
        var services: [LoopbackHTTPService] = []
        defer { services.forEach { $0.stop() } }
        var environment = ProcessInfo.processInfo.environment.merging(options.environment) { _, chosen in chosen }
        for (name, response) in scenario.services.sorted(by: { $0.key < $1.key }) {
            let service = try LoopbackHTTPService(response: response)
            services.append(service)
            environment[name] = service.url
        }

        phases.synthesis = lap()
        // Real time starts when the call does, not while the agent is being built.
        let realTime = loop.map { _ in DeferredStartClock() }
        let clock: any CallClock = realTime ?? VirtualClock()
        let pulseCall = try loop.map { try PulseLoopCall(loop: $0, clock: clock) }
        var ear: SinkMonitor?
        defer {
            ear?.stop()
            try? pulseCall?.finish()
        }
        var callOptions = EmbeddedCall.Options(agentDirectory: scenario.agentDirectory, callID: "\(scenario.id)-\(run)", clock: clock,
                                               realtime: loop != nil, recordDirectory: recording, approvalMode: .ask)
        callOptions.transcribeOperator = false
        callOptions.environment = environment
        let recognizer = try await options.recognizers?.checkOut(agent: scenario.agentDirectory)
        callOptions.recognizer = recognizer
        callOptions.stt = options.stt
        callOptions.endOfTurnModel = options.endOfTurnModel
        callOptions.speculate = options.speculate
        callOptions.decodeAfter = options.decodeAfter
        callOptions.askModelAfter = options.askModelAfter
        callOptions.vad = options.vad
        let sessionBox = LockedValue<CallSession?>(nil)
        let callerBox = LockedValue<ScenarioCaller?>(nil)
        let lineBox = LockedValue<(any AudioSource)?>(nil)
        let embedded = try await EmbeddedCall.make(callOptions, audio: .init(
            caller: { bus in
                // Through the loop the caller hears the agent's sound, not the session's playout events.
                let caller = ScenarioCaller(turns: scenario.turns, audio: audio, rate: voice.rate, bus: bus, limits: scenario.limits,
                                            hearsPlayout: pulseCall == nil) { digits in
                    sessionBox.withLock { $0 }?.send(.typed(digits))
                }
                callerBox.withLock { $0 = caller }
                let line: any AudioSource = scenario.audio.isClean
                    ? caller : try PhoneLine(source: caller, conditions: scenario.audio, speechRMS: speechRMS, babble: babble)
                lineBox.withLock { $0 = line }
                return pulseCall?.microphone ?? line
            },
            farEnd: pulseCall?.speaker ?? DiscardingSink(rate: voice.rate)))
        sessionBox.withLock { $0 = embedded.session }
        // The caller's keypad and the approval observer reach the session through this box, and the
        // session reaches them: let go once the call is over, or every finished call stays in memory.
        defer { sessionBox.withLock { $0 = nil } }
        options.onCall?(key(file: scenario.file, run: run), embedded.bus)
        phases.setup = lap()
        phases.adaptation = embedded.adaptationSeconds ?? 0
        // The operator's part: answer approval requests as the scenario says.
        // Inline: the decision is queued before the next tick, the same on every virtual-time run.
        if scenario.approval != .none {
            let approve = scenario.approval == .approve
            embedded.bus.observeInline { event in
                if case let .approvalRequested(id, _, _) = event.payload {
                    sessionBox.withLock { $0 }?.send(approve ? .approve(id: id) : .deny(id: id))
                }
            }
        }
        guard let caller = callerBox.withLock({ $0 }), let line = lineBox.withLock({ $0 }) else {
            throw HarnessError("the simulated caller was never built")
        }
        if let loop, let pulseCall, let realTime {
            realTime.start()
            ear = try agentSound(loop: loop, clock: clock, callID: callOptions.callID, caller: caller)
            pulseCall.start(caller: line)
        }
        let endReason = await embedded.session.run()
        ear?.stop()
        try pulseCall?.finish()
        phases.call = lap()
        if let recognizer { await options.recognizers?.checkIn(recognizer, agent: scenario.agentDirectory) }

        var answers: [Result<[[String]], QueryFailure>] = []
        for check in scenario.assertions.sql {
            answers.append(await query(check.query, in: embedded.database))
        }
        let redactor = Redactor(kinds: embedded.definition.policies.redact)
        let record = CallRecord(events: embedded.bus.events, spoken: caller.spoken, missedTurns: caller.missedTurns, callerGaveUp: caller.gaveUp,
                                endReason: endReason, queryRows: answers, disclosure: embedded.definition.disclosure,
                                recordingTexts: recordingTexts(recording), redact: { redactor.redact($0) })
        let (reasons, metrics) = CallGrader.grade(scenario, record)
        var result = ScenarioRunResult(scenarioID: scenario.id, file: scenario.file, tags: scenario.tags, description: scenario.description, run: run,
                                       verdict: reasons.isEmpty ? .pass : .fail, reasons: reasons, metrics: metrics,
                                       transcript: TranscriptBuilder.lines(from: record.events, redact: record.redact), endReason: record.redact(endReason), recording: recording.path)
        phases.grading = lap()
        result.phases = phases
        result.callerTurns = caller.spoken.count
        return result
    }

    /// The caller's ear in a real-time run: it hears the agent sink's monitor through a `FarEndEar`,
    /// so the caller takes turns and barges in on what it hears, not on what the agent meant to play.
    /// (What the agent said, for reactive turns, still comes from the agent's own words, as in virtual time.)
    private static func agentSound(loop: PulseCallLoop, clock: any CallClock, callID: String, caller: ScenarioCaller) throws -> SinkMonitor {
        let ear = FarEndEar(callID: callID, .sound(voiced: SinkMonitor.isVoiced))
        // The monitor's one thread feeds the ear.
        return try SinkMonitor(loop: loop, sink: loop.agentSink, clock: clock) { frame in
            for e in ear.hear(frame) {
                switch e.payload {
                case .playoutStarted: caller.heardAgent(speaking: true, at: e.time)
                case .playoutFinished: caller.heardAgent(speaking: false, at: e.time)
                default: break
                }
            }
        }
    }

    private static func query(_ sql: String, in database: DatabaseQueue?) async -> Result<[[String]], QueryFailure> {
        guard let database else { return .failure(QueryFailure("the agent has no database")) }
        do {
            // Rows become text inside the read: `Row` is not Sendable, so returning rows would pick GRDB's blocking read.
            return .success(try await database.read { db in Self.text(try Row.fetchAll(db, sql: sql)) })
        } catch {
            return .failure(QueryFailure("\(error)"))
        }
    }

    /// Database rows as text, NULL spelled out, for comparing with a scenario's expected rows.
    static func text(_ rows: [Row]) -> [[String]] {
        rows.map { row in row.databaseValues.map { v in v.isNull ? "NULL" : (String.fromDatabaseValue(v) ?? "\(v)") } }
    }

    /// The text files of a recording (events, transcript, audit log, meta), by name.
    private static func recordingTexts(_ directory: URL) -> [String: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var out: [String: String] = [:]
        for name in names where !name.hasSuffix(".wav") && !name.hasSuffix(".sqlite") {
            out[name] = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return out
    }
}
