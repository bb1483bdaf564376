import ArgumentParser
import Evaluation
import Foundation
import RingsideCore
import Speech

/// `ringside-bench turns`: the turn-taking table. Every caller line of the sample library, and a set
/// of turns written for this table alone (multi-sentence turns with pauses, hesitations, digits read
/// in groups, corrections), spoken by flite voices, go through the session's own `SpeechListener`
/// with each end-of-turn detector. For each: how long after the caller's real end the turn was
/// decided (p50/p95), how often the caller was cut off in a pause (premature), and how many of
/// those cut-offs the session could not join to the rest of the turn (the caller resumed more than
/// the join window later: the fragment would be answered). Writes `.bench/turns.json`.
struct TurnBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turns",
        abstract: "End-of-turn detectors on the library's caller lines and on turns nobody tuned on.",
        discussion: "Targets: decision p50 ≤ 200 ms and p95 ≤ 350 ms after the true end (leaving the rest of 300/450 ms at the sound to STT, brain and TTS), premature cut-offs ≤ 3 %, fragments answered 0."
    )

    @Argument(help: "Scenario files or folders whose caller lines form the tuning set.") var paths: [String] = ["sample-calls"]
    @Option(help: "At most this many distinct library lines.") var maxLines = 120
    @Option(help: "Comma-separated flite voices.") var voices = "slt,rms,awb"
    @Option(help: "Folder for the JSON figures.") var output = ".bench"

    /// Turns written for this table; the end-of-turn rules and the model were never tuned on them.
    /// Each: pieces and the pauses after each piece but the last.
    static let untuned: [(category: String, pieces: [String], pausesMs: [Int])] = [
        ("two sentences", ["I got a letter about my blood test.", "Can somebody tell me what it means?"], [700]),
        ("two sentences", ["My son missed his check up last week.", "We'd like a new time for him."], [650]),
        ("two sentences", ["The courier came yesterday.", "But the box was empty when I opened it."], [800]),
        ("two sentences", ["I moved house in the summer.", "I need my address changed on your system."], [600]),
        ("two sentences", ["We ordered a sofa in May.", "It still hasn't turned up."], [750]),
        ("two sentences", ["Thanks for that.", "One more thing, do you have anything on Friday?"], [600]),
        ("hesitation", ["I was wondering if", "maybe Thursday would work"], [500]),
        ("hesitation", ["so the thing is", "I can't make it before ten"], [600]),
        ("hesitation", ["er", "could I speak to the pharmacist please"], [550]),
        ("hesitation", ["I think it was", "the eleventh of March"], [650]),
        ("hesitation", ["my date of birth is", "the second of June nineteen seventy one"], [700]),
        ("digits", ["my reference is four eight one", "two two seven"], [700]),
        ("digits", ["the number is zero seven nine", "three one one", "five two"], [600, 600]),
        ("digits", ["it's order six six two", "nine eight four"], [800]),
        ("correction", ["Monday at three.", "Sorry, I mean Tuesday at three."], [500]),
        ("correction", ["my surname is Harris,", "no wait, that's my old name, it's Dunn now"], [600]),
        ("correction", ["the twelfth", "actually make that the fourteenth"], [550]),
        ("list", ["I need to cancel one booking,", "move another,", "and ask about parking."], [600, 600]),
        ("list", ["a blue jumper,", "two pairs of socks,", "and the scarf"], [500, 550]),
        ("one sentence", ["could you tell me when the clinic opens tomorrow"], []),
        ("one sentence", ["I'd like to return the kettle I bought last week"], []),
        ("one sentence", ["yes that's fine"], []),
        ("one sentence", ["no I don't think so"], []),
        ("one sentence", ["is Doctor Ahmed working on Saturday"], []),
    ]

    func run() async throws {
        BenchLogging.bootstrap()
        let voiceList = voices.split(separator: ",").map(String.init)
        var library: [String] = []
        for case let .loaded(s) in ScenarioEntry.load(paths: paths.map { URL(fileURLWithPath: $0) }) {
            for turn in s.turns { if let text = turn.spokenText, !library.contains(text) { library.append(text) } }
        }
        library = Array(library.prefix(maxLines))
        let tuning = library.enumerated().map { i, text in
            CorpusUtterance(id: i, category: "library", segments: [text], pausesMs: [], expectation: nil, voice: voiceList[i % voiceList.count])
        }
        var untunedSet: [CorpusUtterance] = []
        for (i, t) in Self.untuned.enumerated() {
            for v in 0..<2 {
                untunedSet.append(CorpusUtterance(id: i * 2 + v, category: t.category, segments: t.pieces, pausesMs: t.pausesMs,
                                                  expectation: nil, voice: voiceList[(i + v) % voiceList.count]))
            }
        }
        print("turns: synthesising \(tuning.count) library lines and \(untunedSet.count) untuned turns …")
        let sets = [("library", try await Self.prepare(tuning)), ("untuned", try await Self.prepare(untunedSet))]

        var detectors: [(String, @Sendable () -> (TurnPolicy, LearnedTurnDetection?))] = [
            ("fixed 500 ms", { (.fixed, nil) }),
            ("rules (adaptive)", { (.adaptive, nil) }),
        ]
        var report = BenchReport(name: "turns")
        var model: TimedTurnModel?
        do {
            let smart = TimedTurnModel(try SmartTurnModel())
            model = smart
            detectors.append(("smart turn", { (.fixed, LearnedTurnDetection(model: smart, rules: false)) }))
            detectors.append(("smart turn + rules", { (.adaptive, LearnedTurnDetection(model: smart, rules: true)) }))
        } catch {
            report.notes.append("Smart Turn not measured: \(error)")
        }

        var table: [TurnRow] = []
        for (setName, prepared) in sets {
            print("turns: \(setName): recognising \(prepared.count) turns once …")
            let partials = try await Self.partials(prepared)
            for (name, make) in detectors {
                let row = try await Self.measure(prepared, partials: partials, detector: name, set: setName, make: make, model: model)
                table.append(row)
                report.addDistribution("\(setName) · \(name) · decided after the end", row.delays, unit: "ms")
                report.add("\(setName) · \(name) · premature cut-offs", row.prematurePercent, "%", target: "≤ 3 %", met: row.prematurePercent <= 3)
                report.add("\(setName) · \(name) · fragments answered", Double(row.fragmentsAnswered), "turns", target: "0", met: row.fragmentsAnswered == 0)
            }
        }
        if let model {
            let p = Percentiles(model.timings.value)
            report.add("smart turn round trip p50", p.p50, "ms")
            report.add("smart turn round trip p95", p.p95, "ms")
            report.add("smart turn decisions per turn", Double(model.timings.value.count) / Double(max(1, sets.map(\.1.count).reduce(0, +) * 2)), "asks")
        }
        report.notes.append("decided after the end: end-of-turn decision minus the end of the caller's last voiced frame; Smart Turn's round trip is included where it decided. The rest of voice-to-voice (final transcript, brain, first TTS audio, playout) is in `ringside-bench session`.")
        report.notes.append("fragments answered: premature cut-offs where the caller resumed more than the session's 1 s join window after the decision.")
        Self.printTable(table)
        report.printTable()
        try report.write(to: output)
    }

    struct TurnRow {
        var set: String
        var detector: String
        var delays: [Double]
        var premature: Int
        var fragmentsAnswered: Int
        var turns: Int
        var prematurePercent: Double { turns > 0 ? Double(premature) * 100 / Double(turns) : 0 }
    }

    static func printTable(_ rows: [TurnRow]) {
        print("\nturn-taking: end of turn decided after the caller's real end")
        print("  set       detector               p50 ms  p95 ms  premature  fragments answered")
        for r in rows {
            let p = Percentiles(r.delays)
            print("  " + r.set.padding(toLength: 10, withPad: " ", startingAt: 0) + r.detector.padding(toLength: 21, withPad: " ", startingAt: 0)
                  + format(p.p50).leftPad(8) + format(p.p95).leftPad(8) + (String(format: "%.1f %%", r.prematurePercent)).leftPad(11)
                  + "\(r.fragmentsAnswered)".leftPad(20))
        }
    }

    static func prepare(_ corpus: [CorpusUtterance]) async throws -> [PreparedUtterance] {
        var out: [PreparedUtterance] = []
        for u in corpus { out.append(try await PreparedUtterance.prepare(u)) }
        return out
    }

    /// One streaming recognition per turn: the partial transcript after every frame. Every detector
    /// then reads the same partials, so the table compares detectors, not recognition runs.
    static func partials(_ prepared: [PreparedUtterance]) async throws -> [[String]] {
        let recognizer = try PocketSphinxRecognizer(configuration: .standard())
        var all: [[String]] = []
        for p in prepared {
            try await recognizer.beginUtterance(expecting: nil)
            var texts: [String] = []
            var last = ""
            for frame in AudioFrame.frames(from: p.samples, rate: .hz16000) {
                if let partial = try await recognizer.accept(frame) { last = partial.text }
                texts.append(last)
            }
            _ = try await recognizer.endUtterance()
            all.append(texts)
        }
        return all
    }

    static func measure(_ prepared: [PreparedUtterance], partials: [[String]], detector: String, set: String,
                        make: @Sendable () -> (TurnPolicy, LearnedTurnDetection?), model: TimedTurnModel?) async throws -> TurnRow {
        var row = TurnRow(set: set, detector: detector, delays: [], premature: 0, fragmentsAnswered: 0, turns: prepared.count)
        for (p, texts) in zip(prepared, partials) {
            let (policy, learned) = make()
            let listener = SpeechListener(recognizer: ReplayedPartials(texts), vad: EnergyVAD(), endpoint: EndpointDetector(policy: policy))
            listener.learnedTurn = learned
            let frames = AudioFrame.frames(from: p.samples, rate: .hz16000)
            var decided: (at: MediaTime, rule: EndOfTurnRule)?
            for frame in frames {
                for e in try await listener.process(frame) {
                    if case let .endOfTurn(_, rule) = e.payload, decided == nil { decided = (e.time, rule) }
                }
                if decided != nil { break }
            }
            guard let (at, rule) = decided else { continue }
            var decidedAt = at
            if case .learnedModel = rule, let model { decidedAt = decidedAt + .milliseconds(model.lastMs) }
            if decidedAt < p.trueEnd {
                row.premature += 1
                // When the caller speaks again: the first voiced frame after the decision.
                let frameIndex = Int(at.milliseconds / 20)
                if let resume = p.labels.indices.first(where: { $0 > frameIndex && p.labels[$0] }) {
                    if MediaTime.milliseconds(Double(resume * 20)) - decidedAt > .milliseconds(1000) { row.fragmentsAnswered += 1 }
                }
            } else {
                row.delays.append((decidedAt - p.trueEnd).milliseconds)
            }
        }
        return row
    }
}

/// A recogniser that replays partial transcripts computed earlier, one per frame in order.
final class ReplayedPartials: SpeechRecognizer, @unchecked Sendable {
    private let texts: [String]
    private let index = LockedValue(0)
    private let last = LockedValue("")
    var engineName: String { "replay" }

    init(_ texts: [String]) { self.texts = texts }

    func beginUtterance(expecting expectation: RecognitionExpectation?) async throws { last.withLock { $0 = "" } }

    func accept(_ frame: AudioFrame) async throws -> PartialTranscript? {
        // The frame's position on the utterance's timeline gives its partial.
        let i = min(texts.count - 1, Int(frame.timestamp.milliseconds / 20))
        guard i >= 0 else { return nil }
        let text = texts[i]
        let changed = last.withLock { old -> Bool in defer { old = text }; return old != text }
        return PartialTranscript(text: text, audioTime: frame.timestamp + AudioFrame.duration, changed: changed)
    }

    func endUtterance() async throws -> RecognitionResult { RecognitionResult(text: last.value, confidence: 1) }
}

/// Times every call to the model it wraps.
final class TimedTurnModel: EndOfTurnModel, @unchecked Sendable {
    let model: any EndOfTurnModel
    let timings = LockedValue<[Double]>([])
    init(_ model: any EndOfTurnModel) { self.model = model }
    var lastMs: Double { timings.value.last ?? 0 }

    func probabilityComplete(samples16k: [Int16]) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        let p = try await model.probabilityComplete(samples16k: samples16k)
        let took = clock.now - start
        timings.withLock { $0.append(took.milliseconds) }
        return p
    }
}
