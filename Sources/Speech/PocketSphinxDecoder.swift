internal import CPocketSphinx
import Foundation
import RingsideCore

/// One pocketsphinx decoder and the language models built for it. Not thread-safe: it is owned
/// by exactly one `PocketSphinxRecognizer` actor, which serialises every call.
final class PocketSphinxDecoder {
    static let genericSearch = "_default"
    let ps: OpaquePointer
    /// Seconds of audio per decoder frame (0.01 at the default 100 frames per second).
    let frameSeconds: Double
    /// The cepstral-mean state as loaded, restored by `resetCepstralMean()`.
    private var initialCepstralMean: UnsafeMutableRawPointer?

    init(configuration: PocketSphinxConfiguration) throws {
        let fm = FileManager.default
        for (path, what) in [(configuration.model.hmm + "/mdef", "acoustic model (mdef)"),
                             (configuration.model.languageModel, "language model"),
                             (configuration.model.dictionary, "pronunciation dictionary")]
        where !fm.fileExists(atPath: path) {
            throw SpeechSetupError.modelMissing(path: path, what: what)
        }
        // Logging off once per process: a `-logfn` per decoder opened a file that nothing closed
        // (one leaked descriptor per call in `serve`).
        _ = Self.logsSilenced
        var effective = configuration
        if let limit = configuration.vocabularyLimit {
            effective.model.dictionary = try TrimmedDictionary.path(for: configuration.model, limit: limit)
        }
        var arguments = effective.arguments
        // pocketsphinx lets the model's feat.params override the command line, so front-end
        // overrides go into a merged copy of that file.
        let featPath = configuration.model.hmm + "/feat.params"
        var merged: [(String, String)] = []
        if let text = try? String(contentsOfFile: featPath, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let kv = line.split(separator: " ", maxSplits: 1).map(String.init)
                if kv.count == 2 { merged.append((kv[0], kv[1])) }
            }
        }
        let overridden = merged.indices.filter { i in configuration.extraArguments.keys.contains { ($0.hasPrefix("-") ? $0 : "-" + $0) == merged[i].0 } }
        var featCopy: String?
        if !overridden.isEmpty {
            for i in overridden {
                let key = merged[i].0
                merged[i].1 = configuration.extraArguments[key] ?? configuration.extraArguments[String(key.dropFirst())] ?? merged[i].1
            }
            let path = NSTemporaryDirectory() + "ringside-feat-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).params"
            try? merged.map { "\($0.0) \($0.1)" }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["-featparams", path]
            featCopy = path
        }
        defer { if let featCopy { try? FileManager.default.removeItem(atPath: featCopy) } }
        var cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        guard let config = cStrings.withUnsafeMutableBufferPointer({ rs_ps_config_from_argv(Int32($0.count), $0.baseAddress) }) else {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "rejected the configuration \(arguments.dropFirst().joined(separator: " "))")
        }
        defer { cmd_ln_free_r(config) }
        guard let ps = ps_init(config) else {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not load the model from \(configuration.model.hmm)")
        }
        self.ps = ps
        let rate = Int(rs_ps_frame_rate(ps))
        frameSeconds = rate > 0 ? 1 / Double(rate) : 0.01
        initialCepstralMean = rs_ps_cmn_save(ps)
    }

    deinit {
        rs_ps_cmn_free(initialCepstralMean)
        ps_free(ps)
    }

    /// Puts the live cepstral mean back to its state after loading, which live decoding otherwise
    /// carries from utterance to utterance (so a reused decoder starts a call like a fresh one).
    func resetCepstralMean() {
        rs_ps_cmn_restore(ps, initialCepstralMean)
    }

    func startUtterance(search: String) throws {
        if String(cString: ps_get_search(ps)) != search {
            guard ps_set_search(ps, search) == 0 else { throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "no search named \(search)") }
        }
        guard ps_start_utt(ps) == 0 else { throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not start an utterance") }
    }

    func process(_ samples: [Int16]) throws {
        let n = samples.withUnsafeBufferPointer { ps_process_raw(ps, $0.baseAddress, $0.count, 0, 0) }
        if n < 0 { throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not process audio") }
    }

    /// The current best hypothesis, lower case, without filler or variant marks.
    func hypothesis() -> String {
        var score: Int32 = 0
        guard let hyp = ps_get_hyp(ps, &score) else { return "" }
        return Self.clean(String(cString: hyp))
    }

    func endUtterance() throws {
        guard ps_end_utt(ps) == 0 else { throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not end the utterance") }
    }

    /// Utterance posterior 0…1 (needs best-path search), else 0.
    func confidence() -> Double {
        let p = ps_get_prob(ps)
        guard p < 0 || p == 0 else { return 0 }
        return min(1, max(0, rs_ps_posterior(ps, p)))
    }

    /// Words with decoder-frame indices and posteriors, fillers removed.
    func segments(start: MediaTime) -> [WordTiming] {
        var out: [WordTiming] = []
        var seg = ps_seg_iter(ps)
        while let s = seg {
            let raw = ps_seg_word(s).map { String(cString: $0) } ?? ""
            let word = Self.clean(raw)
            if !word.isEmpty {
                var sf: Int32 = 0, ef: Int32 = 0
                ps_seg_frames(s, &sf, &ef)
                var a: Int32 = 0, l: Int32 = 0, b: Int32 = 0
                let post = ps_seg_prob(s, &a, &l, &b)
                out.append(WordTiming(word: word,
                                      start: start + .seconds(Double(sf) * frameSeconds),
                                      end: start + .seconds(Double(ef + 1) * frameSeconds),
                                      confidence: post <= 0 ? min(1, max(0, rs_ps_posterior(ps, post))) : nil))
            }
            seg = ps_seg_next(s)
        }
        return out
    }

    func isInDictionary(_ word: String) -> Bool {
        guard let p = ps_lookup_word(ps, word) else { return false }
        free(p)
        return true
    }

    /// Adds words to the dictionary with the given phones (space separated, sphinx phone set).
    func addWords(_ words: [(word: String, phones: String)]) throws {
        for (i, w) in words.enumerated() where ps_add_word(ps, w.word, w.phones, i == words.count - 1 ? 1 : 0) < 0 {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not add '\(w.word)' (\(w.phones)) to the dictionary")
        }
    }

    /// Installs a search named `name` over `arpa` interpolated with the listed existing searches'
    /// models at the given weights (the new model gets what is left of 1).
    func installLanguageModel(name: String, arpa: String, mixWith others: [(search: String, weight: Double)]) throws {
        // Unique per decoder and model: two calls in one process must never read each other's model.
        let path = NSTemporaryDirectory() + "ringside-lm-\(getpid())-\(name)-\(UUID().uuidString).arpa"
        do { try arpa.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "cannot write a language model to \(path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let own = rs_ps_read_arpa(ps, path) else {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not read the generated language model \(path)")
        }
        // Our reference to the new model; the set and the search take their own (ngram_model_set_init
        // and ps_set_lm retain what they are given). Holding on to it kept every model a decoder ever
        // built — with the 30 MB generic model — alive after the decoder was freed.
        defer { _ = ngram_model_free(own) }
        var models: [OpaquePointer?] = [own]
        var names = [name]
        var weights = [Float(max(0.01, 1 - others.reduce(0) { $0 + $1.weight }))]
        for o in others {
            guard let lm = ps_get_lm(ps, o.search) else { continue }
            models.append(lm)
            names.append(o.search)
            weights.append(Float(o.weight))
        }
        let model: OpaquePointer
        if models.count == 1 {
            model = own
        } else {
            var cNames = names.map { UnsafePointer(strdup($0)) }
            defer { cNames.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
            guard let set = models.withUnsafeMutableBufferPointer({ m in
                cNames.withUnsafeMutableBufferPointer { n in
                    weights.withUnsafeBufferPointer { w in rs_ps_interpolate(ps, m.baseAddress, n.baseAddress, w.baseAddress, Int32(m.count)) }
                }
            }) else {
                throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not interpolate language models for \(name)")
            }
            model = set
        }
        defer { if model != own { _ = ngram_model_free(model) } }
        guard ps_set_lm(ps, name, model) == 0 else {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "could not install the language model \(name)")
        }
    }

    private static let logsSilenced: Bool = {
        rs_ps_silence_logs()
        return true
    }()

    static func clean(_ text: String) -> String {
        text.split(separator: " ").compactMap { w -> String? in
            var s = String(w)
            if let p = s.firstIndex(of: "("), s.hasSuffix(")") { s = String(s[..<p]) }
            if s.hasPrefix("<") || s.hasPrefix("[") || s.hasPrefix("+") { return nil }
            return s.lowercased()
        }.joined(separator: " ")
    }
}
