import Agent
import Audio
import Foundation
import GRDB
import RingsideCore
import Session
import Speech

/// One scenario played against an agent on the other end of a real call (`--target sip:URI`), in
/// real time: the simulated caller speaks into the call, the agent's audio is transcribed locally,
/// and the run is graded on what a caller can observe.
///
/// Media time is the call's own: a virtual clock advanced 20 ms per frame received from the agent,
/// so the caller, both transcribers and the grader share one timeline paced by the network.
/// What only the agent's internals know (tool calls, approvals, escalation, its recording) is
/// reported as not observable instead of failing; database checks run when the dialer names the
/// agent's database file.
enum RemoteScenarioCall {
    /// The disclosure is heard through a recogniser: this share of its words must be in the agent's first line.
    static let disclosureMatch = 0.5

    static func run(_ scenario: Scenario, run: Int, dialer: any RemoteAgentDialer, stt: RecognizerEngine? = nil,
                    onCall: (@Sendable (String, CallEventBus) -> Void)? = nil) async throws -> ScenarioRunResult {
        let voice = try ScenarioVoice(profile: scenario.caller)
        let audio = try await voice.render(scenario.turns)
        let speechRMS = scenario.audio.noise == nil ? 0 : try await voice.speechRMS()
        // The scenario's agent folder, when at hand, names the disclosure and redaction rules and
        // teaches the transcribers the agent's words; a remote agent without one is heard generically.
        let definition = try? AgentLoader.load(directory: scenario.agentDirectory)
        let redactor = Redactor(kinds: definition?.policies.redact ?? [])
        // The agent speaks from a fixed set of lines: lean on them harder than on a caller's words;
        // telephone band when only G.711 is offered (the recogniser restores the missing top octave).
        var agentConfiguration = try PocketSphinxConfiguration.standard()
        agentConfiguration.domainWeight = 0.75
        agentConfiguration.narrowband = dialer.narrowband
        let agentRecognizer = try PocketSphinxRecognizer(configuration: agentConfiguration)
        let agentVocabulary = definition.map(AgentSpeechVocabulary.of)
        if let agentVocabulary { _ = try await agentRecognizer.adapt(to: agentVocabulary) }
        // The agent's voice is heard by pocketsphinx, adapted hard to the agent's own lines, unless
        // Whisper is asked for by name: over SIP, tiny.en misheard the clinic's short confirmation
        // question ("shall I book…" as "bye be good") where the adapted model did not.
        // The agent's audio arrives in real time: a live deadline for Whisper.
        let agentEars = try await RecognizerEngine.ears(streaming: agentRecognizer, engine: stt ?? .pocketsphinx, realtime: true,
                                                       vocabulary: agentVocabulary)

        let clock = VirtualClock()
        let callID = "\(scenario.id)-\(run)"
        let bus = CallEventBus(callID: callID, clock: clock) { redactor.redact($0) }
        let line = try await dialer.dial(callID: callID)
        // What was agreed decides: Opus offered but G.711 answered is telephone band all the same.
        agentRecognizer.hearTelephoneBand(line.narrowband)
        // The caller hears the agent through a recogniser: it reacts to a prompt heard all but a word.
        let caller = ScenarioCaller(turns: scenario.turns, audio: audio, rate: voice.rate, bus: bus, limits: scenario.limits,
                                    heard: TextMatch.roughlyMatches) { line.sendDigits($0) }
        let source: any AudioSource = scenario.audio.isClean ? caller : try PhoneLine(source: caller, conditions: scenario.audio, speechRMS: speechRMS)
        // Media time is the call's own, paced by the agent's frames; the agent is heard as a remote
        // user's call hears it, the caller's side is what the script said.
        let session = RemoteCallSession(bus: bus, microphone: source, speaker: DiscardingSink(rate: voice.rate),
                                        farEndIn: line.fromAgent, farEndOut: line.toAgent,
                                        caller: ScriptedCallerStage(callID: callID, caller: caller, turns: scenario.turns),
                                        farEnd: FarEndEar(callID: callID, .words(SpeechListener(recognizer: agentEars, vad: EnergyVAD(), callID: callID,
                                                                                                  speaker: .agent, firstTurn: 0))),
                                        pace: clock, farEndEnded: { line.endReason.map { "the agent's side ended the call: \($0)" } })
        onCall?(ScenarioRunner.key(file: scenario.file, run: run), bus)
        let endReason = await session.run(agent: dialer.target, transport: line.transport)
        await line.hangUp()

        var graded = scenario
        var notObservable: [String] = []
        let answers = await databaseAnswers(scenario.assertions.sql, databaseURL: dialer.databaseURL)
        if answers == nil, !scenario.assertions.sql.isEmpty {
            notObservable.append("database checks (no --database for the target)")
            graded.assertions.sql = []
        }
        notObservable += hideInternals(&graded.assertions)
        var record = CallRecord(events: bus.events, spoken: caller.spoken, missedTurns: caller.missedTurns, callerGaveUp: caller.gaveUp,
                                endReason: endReason, queryRows: answers ?? [], disclosure: definition?.disclosure ?? "",
                                redact: { redactor.redact($0) })
        record.disclosureMatch = disclosureMatch
        var (reasons, metrics) = CallGrader.grade(graded, record)
        // The caller's words are the script's: how well the agent heard them is the agent's secret.
        metrics.werErrors = 0
        metrics.werWords = 0
        var result = ScenarioRunResult(scenarioID: scenario.id, file: scenario.file, tags: scenario.tags, description: scenario.description, run: run,
                                       verdict: reasons.isEmpty ? .pass : .fail, reasons: reasons, metrics: metrics,
                                       transcript: TranscriptBuilder.lines(from: record.events, redact: record.redact), endReason: record.redact(endReason))
        result.notObservable = notObservable
        return result
    }

    /// Clears the assertions a caller cannot check from outside the agent; returns what they were.
    private static func hideInternals(_ a: inout CallAssertions) -> [String] {
        var hidden: [String] = []
        if !a.toolsCalled.isEmpty || !a.toolsNotCalled.isEmpty {
            hidden.append("tool calls")
            a.toolsCalled = []
            a.toolsNotCalled = []
        }
        if a.escalation != nil { hidden.append("escalation"); a.escalation = nil }
        if a.approvalRequested != nil { hidden.append("approval requests"); a.approvalRequested = nil }
        if !a.notInRecording.isEmpty { hidden.append("the agent's recording"); a.notInRecording = [] }
        return hidden
    }

    /// Answers to the database checks, or nil when there is no database file to ask.
    private static func databaseAnswers(_ checks: [DatabaseCheck], databaseURL: URL?) async -> [Result<[[String]], QueryFailure>]? {
        guard let databaseURL, !checks.isEmpty else { return checks.isEmpty ? [] : nil }
        var configuration = Configuration()
        configuration.readonly = true
        guard let database = try? DatabaseQueue(path: databaseURL.path, configuration: configuration) else {
            return checks.map { _ in .failure(QueryFailure("cannot open the agent's database \(databaseURL.path)")) }
        }
        var answers: [Result<[[String]], QueryFailure>] = []
        for check in checks {
            do {
                answers.append(.success(try await database.read { db in ScenarioRunner.text(try Row.fetchAll(db, sql: check.query)) }))
            } catch {
                answers.append(.failure(QueryFailure("\(error)")))
            }
        }
        return answers
    }
}

/// The scripted caller's side of a remote call: the harness knows what it said, so each turn is
/// reported once it has been spoken in full (its start, true end and words) — no recogniser needed.
final class ScriptedCallerStage: CallStage {
    private let callID: String
    private let caller: ScenarioCaller
    private let turns: [ScenarioTurn]
    private var lastStart: MediaTime?
    private var turn = 0

    init(callID: String, caller: ScenarioCaller, turns: [ScenarioTurn]) {
        self.callID = callID
        self.caller = caller
        self.turns = turns
    }

    func process(_ frame: AudioFrame) -> [CallEvent] {
        guard let spoken = caller.spoken.last, spoken.end > spoken.start, spoken.start != lastStart,
              let text = turns[spoken.index].spokenText else { return [] }
        lastStart = spoken.start
        turn += 1
        func event(_ stage: Stage, _ payload: CallEventPayload, at time: MediaTime) -> CallEvent {
            CallEvent(callID: callID, turn: turn, time: time, stage: stage, payload: payload)
        }
        return [event(.vad, .speechStarted(speaker: .caller), at: spoken.start),
                event(.endpoint, .endOfTurn(trueEnd: spoken.end, rule: .scripted), at: spoken.end),
                event(.stt, .finalTranscript(speaker: .caller, text: text, confidence: 1), at: spoken.end)]
    }

    func finish() -> [CallEvent] { [] }
}

/// What an agent says — its disclosure, greeting, prompts and flow lines — as phrases for the
/// recogniser that transcribes the agent's side of a remote call. Placeholders are filled with
/// sample values of their kind (a date for `{day}`, a time for `{time}`, a known name…), so the
/// language model learns "booked for tuesday the third of march at nine am", not "booked for".
enum AgentSpeechVocabulary {
    static func of(_ definition: AgentDefinition) -> DomainVocabulary {
        // Everything the agent file makes it say: the escalation line too ("…our front desk team").
        var lines = [definition.disclosure, definition.greeting, definition.escalation.say]
        lines += definition.slots.keys.sorted().compactMap { definition.slots[$0]?.prompt }
        for name in definition.flow.keys.sorted() {
            for step in definition.flow[name] ?? [] {
                switch step.action {
                case let .say(text), let .confirm(text): lines.append(text)
                default: break
                }
                lines += [step.prompt, step.sayAfter].compactMap { $0 }
            }
        }
        let values = definition.vocabulary.slotValues
        let dates = thinned(ExpectationCorpus.sentences(for: .date), to: 24)
        let times = thinned(ExpectationCorpus.sentences(for: .time), to: 24)
        let names = values.isEmpty ? ["john smith"] : values
        // Other placeholders ({opening.*summary}) are filled from the agent's own data: its seed
        // database's text, which is what such lines read out.
        let texts = databaseTexts(definition)
        let other = texts.isEmpty ? dates + times : texts
        var phrases: [String] = []
        for (i, line) in lines.enumerated() {
            let parts = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "{" || $0 == "}" }).map(String.init)
            guard parts.count > 1 else { phrases.append(line); continue }
            for variant in 0..<6 {
                // Even parts are text, odd parts placeholder names.
                phrases.append(parts.enumerated().map { k, part in
                    guard k % 2 == 1 else { return part }
                    let kind = part.lowercased()
                    let pool = kind.contains("time") ? times : kind.contains("day") || kind.contains("date") ? dates
                        : kind.contains("name") ? names : other
                    return pool[(i * 31 + variant * 7 + k * 13) % pool.count]
                }.joined())
            }
        }
        var seen = Set<String>()
        return DomainVocabulary(phrases: phrases.filter { seen.insert($0).inserted }, slotValues: values)
    }

    /// Text values of several words in the agent's seed database (a fresh copy in a temporary file).
    private static func databaseTexts(_ definition: AgentDefinition) -> [String] {
        guard definition.database != nil else { return [] }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-vocabulary-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: url) }
        guard let database = try? AgentDatabase.create(at: url, definition: definition) else { return [] }
        let texts = try? database.read { db -> [String] in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            var out: [String] = []
            for table in tables {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" LIMIT 200") {
                    for value in row.databaseValues {
                        if let text = String.fromDatabaseValue(value), text.split(separator: " ").count >= 2 { out.append(text) }
                    }
                }
            }
            return out
        }
        return Array(Set(texts ?? [])).sorted()
    }

    private static func thinned(_ sentences: [[String]], to count: Int) -> [String] {
        let step = max(1, sentences.count / count)
        return stride(from: 0, to: sentences.count, by: step).map { sentences[$0].joined(separator: " ") }
    }
}
