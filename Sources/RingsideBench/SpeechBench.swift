import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Speech

/// `ringside-bench speech`: WER, real-time factor, STT and TTS latency, endpointing, per condition.
struct SpeechBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speech",
        abstract: "Benchmark the embedded speech layer on a synthesised phone-call corpus.",
        discussion: """
            Synthesises the corpus with flite voices, degrades it reproducibly (clean, brown noise \
            15 dB, white noise 20 dB, 8 kHz G.711 μ-law) and reports WER, real-time factor, final \
            latency, endpointing (fixed 500 ms window vs the turn detector), VAD accuracy and TTS \
            first-chunk latency. Writes the figures to .bench/speech.json.
            """
    )

    @Option(help: "Utterances in the corpus (at least 100 for reported figures).") var count = 100
    @Option(help: "Comma-separated flite voices speaking the corpus (kal is an 8 kHz voice: telephone band by construction).") var voices = "slt,rms,awb"
    @Option(help: "Comma-separated conditions (clean, brown-15dB, pink-15dB, white-20dB, reverb-500ms, telephone-8k-ulaw, telephone-8k-gsm).")
    var conditions = AudioCondition.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: "Decoders run in parallel.") var jobs = 2
    @Flag(inversion: .prefixedNo, help: "Also run the domain-adapted model with per-utterance expectations (clean and telephone).") var adapted = true
    @Flag(inversion: .prefixedNo, help: "Also run Whisper as the final pass (plain on every condition; prompted with the domain vocabulary on clean and telephone, and on clean also with names only where a name is expected).") var whisper = true
    @Option(help: "Seconds the end of a turn waits for Whisper before the streaming final stands (a live call's: 1.5). A long deadline measures Whisper's words apart from the machine's load.")
    var whisperDeadline = 1.5
    @Flag(help: "Use pocketsphinx's second (forward-flat) pass.") var fwdflat = false
    @Flag(help: "Suppress noise (speexdsp) before recognition.") var denoise = false
    @Option(help: "Extra pocketsphinx flags, e.g. '-beam=1e-60,-pbeam=1e-60'.") var sphinx = ""
    @Option(help: "Decoder dictionary size (most probable words of the generic model); 0 for the whole CMU dictionary.")
    var vocabularyLimit = 20_000
    @Option(help: "Print the table of an existing JSON report instead of running.")
    var show: String?
    @Option(help: "Also write every row's reference and final per utterance to this JSON file (read back with --rescore).")
    var dumpErrors: String?
    @Option(help: "Score a --dump-errors file again with the current normaliser and list the utterances still wrong, instead of running.")
    var rescore: String?
    @Option(help: "Where to write the JSON report (a file, or a folder to write speech.json in, as the other benches take).") var output = ".bench/speech.json"

    func run() async throws {
        BenchLogging.bootstrap()
        if let show {
            let report = try JSONDecoder().decode(SpeechBenchReport.self, from: Data(contentsOf: URL(fileURLWithPath: show)))
            print(SpeechBenchTable.render(report))
            return
        }
        if let rescore {
            let rows = try JSONDecoder().decode([TranscriptDump].self, from: Data(contentsOf: URL(fileURLWithPath: rescore)))
            print(TranscriptDump.render(rows))
            return
        }
        let started = ContinuousClock.now
        let voiceList = voices.split(separator: ",").map(String.init)
        let corpus = SpeechCorpus.build(count: count, voices: voiceList)
        var prepared: [PreparedUtterance] = []
        for u in corpus { prepared.append(try await PreparedUtterance.prepare(u)) }
        let audio = prepared.reduce(0.0) { $0 + Double($1.samples.count) / 16000 }
        log("corpus: \(prepared.count) utterances, \(String(format: "%.0f", audio)) s of audio per condition")

        var base = try PocketSphinxConfiguration.standard()
        base.forwardFlat = fwdflat
        if let w = ProcessInfo.processInfo.environment["RINGSIDE_DOMAIN_WEIGHT"].flatMap(Double.init) { base.domainWeight = w }
        if let w = ProcessInfo.processInfo.environment["RINGSIDE_EXPECT_WEIGHT"].flatMap(Double.init) { base.expectationWeight = w }
        base.vocabularyLimit = vocabularyLimit > 0 ? vocabularyLimit : nil
        base.noiseSuppression = denoise
        for pair in sphinx.split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { base.extraArguments[kv[0]] = kv[1] }
        }
        var runs: [ConditionRun] = []
        for name in conditions.split(separator: ",") {
            guard let c = AudioCondition(rawValue: String(name)) else { throw ValidationError("unknown condition \(name)") }
            var cfg = base
            cfg.narrowband = c.isNarrowband
            runs.append(ConditionRun(condition: c, modelName: "generic", configuration: cfg, vocabulary: nil, useExpectations: false))
            if adapted, c == .clean || c.isNarrowband {
                runs.append(ConditionRun(condition: c, modelName: "domain+expect", configuration: cfg, vocabulary: SpeechCorpus.vocabulary(), useExpectations: true))
            }
        }
        var whisperRuns: [ConditionRun] = []
        if whisper {
            for run in runs where run.modelName == "generic" {
                var w = run
                w.modelName = "whisper"
                w.whisper = .plain
                w.twoPass.deadline = .milliseconds(Int(whisperDeadline * 1000))
                whisperRuns.append(w)
            }
            for run in runs where run.modelName == "domain+expect" {
                var w = run
                w.modelName = "whisper+prompt"
                w.whisper = .prompted
                w.twoPass.deadline = .milliseconds(Int(whisperDeadline * 1000))
                whisperRuns.append(w)
                // The other prompt, on clean speech in the same run: names only where a name is expected.
                guard run.condition == .clean else { continue }
                var scoped = w
                scoped.modelName = "whisper+prompt (names when asked)"
                scoped.twoPass.promptScope = .perExpectation
                whisperRuns.append(scoped)
            }
        }
        var results = try await runAll(runs, corpus: prepared)
        // One Whisper decode at a time per process: Whisper runs go one after another, so that each
        // one's final delay is its own.
        for run in whisperRuns {
            let r = try await run.run(prepared)
            log("done: \(r.condition) / \(r.model): WER \(String(format: "%.1f", r.wer * 100)) %")
            results.append(r)
        }
        let generalisation = whisper ? try await GeneralisationSet.run() : []
        var domainBuild: Double?
        if adapted {
            let r = try PocketSphinxRecognizer(configuration: base)
            domainBuild = try await r.adapt(to: SpeechCorpus.vocabulary()).milliseconds
        }
        let tts = try await measureTTS()
        if let dumpErrors {
            let rows = results.map { TranscriptDump(condition: $0.condition, model: $0.model, transcripts: $0.transcripts ?? []) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(rows).write(to: URL(fileURLWithPath: dumpErrors))
            log("wrote \(dumpErrors)")
        }
        for i in results.indices { results[i].transcripts = nil }
        let report = SpeechBenchReport(
            date: ISO8601DateFormatter().string(from: Date()), corpusSize: prepared.count, voices: voiceList,
            normaliser: "lower case; punctuation dropped; numerals spelled as spoken (clock times '10.30' as 'ten thirty'); fillers (um uh er ah hmm mm mhm mmm) dropped; a.m./p.m. as am/pm; 'oh' among digits read as zero; Dr/Mr/Mrs/O.K. as doctor/mister/missus/okay; contractions written out (I'm as I am, won't as will not)",
            decoder: base.arguments.filter { !$0.hasPrefix("/") && $0 != "pocketsphinx" },
            conditions: results, tts: tts, domainModelBuildMs: domainBuild, seconds: (ContinuousClock.now - started).seconds,
            generalisation: generalisation, peakResidentMB: GeneralisationSet.peakResidentMB())
        print(SpeechBenchTable.render(report))
        try write(report)
    }

    private func runAll(_ runs: [ConditionRun], corpus: [PreparedUtterance]) async throws -> [ConditionResult] {
        var results: [Int: ConditionResult] = [:]
        try await withThrowingTaskGroup(of: (Int, ConditionResult).self) { group in
            var next = 0
            func launch() {
                let i = next
                let run = runs[i]
                group.addTask { (i, try await run.run(corpus)) }
                next += 1
            }
            while next < min(jobs, runs.count) { launch() }
            while let (i, r) = try await group.next() {
                results[i] = r
                log("done: \(r.condition) / \(r.model): WER \(String(format: "%.1f", r.wer * 100)) %")
                if next < runs.count { launch() }
            }
        }
        return runs.indices.compactMap { results[$0] }
    }

    private func measureTTS() async throws -> [VoiceResult] {
        let sentences = ["Thank you for calling.", "Your appointment is booked for Tuesday at three p m.",
                         "Could you tell me your order number please?", "I have found your record, Maria.",
                         "Is there anything else I can help you with?", "Let me check that for you.",
                         "Your order four two seven has shipped.", "Goodbye."]
        var out: [VoiceResult] = []
        var engines: [(String, String, any SpeechSynthesizer)] = try FliteVoices.names.map { ("flite", $0, try FliteSynthesizer(voice: $0)) }
        engines.append(("espeak-ng", "en-us", try EspeakSynthesizer(voice: "en-us")))
        for (engine, voice, tts) in engines {
            var firsts: [Double] = []
            var compute = 0.0, audio = 0.0
            for _ in 0..<3 {
                for s in sentences {
                    let t0 = ContinuousClock.now
                    let job = try tts.synthesize(s, rate: .hz16000)
                    var n = 0
                    for try await _ in job.frames { n += 1 }
                    compute += (ContinuousClock.now - t0).seconds
                    audio += Double(n) * 0.02
                    if let f = job.firstChunkLatency { firsts.append(f.milliseconds) }
                }
            }
            out.append(VoiceResult(engine: engine, voice: voice, firstChunkMs: Percentiles(firsts), realTimeFactor: compute / max(audio, 1e-9)))
        }
        return out
    }

    private func write(_ report: SpeechBenchReport) throws {
        var url = URL(fileURLWithPath: output)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), isFolder.boolValue { url.appendPathComponent("speech.json") }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: url)
        log("wrote \(url.path)")
    }

    private func log(_ s: String) { FileHandle.standardError.write(Data(("speech bench: " + s + "\n").utf8)) }
}
