internal import CPocketSphinx
import Foundation
import Logging

/// The recogniser's dictionary cut to the language model's most probable words.
///
/// pocketsphinx sets up every search (the domain model, each expectation) in time proportional to
/// the dictionary: ≈ 1 s with all 135 k CMU entries, ≈ 0.1 s with 20 k. The trimmed file is built
/// once from the generic model and cached (`$XDG_CACHE_HOME/ringside`, else `~/.cache/ringside`).
enum TrimmedDictionary {
    static let logger = Logger(label: "ringside.speech.dictionary")

    static func cacheDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CACHE_HOME"], !x.isEmpty { return x + "/ringside" }
        if let h = env["HOME"], !h.isEmpty { return h + "/.cache/ringside" }
        return NSTemporaryDirectory() + "ringside-cache"
    }

    /// Path of the dictionary holding the `limit` most probable words of `model`'s language model.
    static func path(for model: AcousticModel, limit: Int) throws -> String {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: model.languageModel)) ?? [:]
        let stamp = (attributes[.size] as? Int ?? 0) ^ Int((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let dir = cacheDirectory()
        let path = "\(dir)/dict-\(limit)-\(String(UInt(bitPattern: stamp), radix: 16)).dict"
        if FileManager.default.fileExists(atPath: path) { return path }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let started = ContinuousClock.now
        let words = try topWords(of: model.languageModel, limit: limit)
        let full = try PronouncingDictionary.shared(path: model.dictionary)
        let tmp = path + ".\(getpid()).tmp"
        try full.write(words: words, to: tmp)
        _ = try? FileManager.default.replaceItemAt(URL(fileURLWithPath: path), withItemAt: URL(fileURLWithPath: tmp))
        if !FileManager.default.fileExists(atPath: path) { try? FileManager.default.moveItem(atPath: tmp, toPath: path) }
        logger.info("trimmed dictionary built", metadata: ["path": "\(path)", "took": "\(ContinuousClock.now - started)"])
        return path
    }

    /// The `limit` words with the highest unigram probability.
    static func topWords(of languageModel: String, limit: Int) throws -> [String] {
        rs_ps_silence_logs()
        guard let lmath = logmath_init(1.0001, 0, 0) else { throw SpeechSetupError.engineFailed(engine: "sphinxbase", reason: "log-math tables") }
        defer { logmath_free(lmath) }
        guard let lm = ngram_model_read(nil, languageModel, NGRAM_AUTO, lmath) else {
            throw SpeechSetupError.modelMissing(path: languageModel, what: "language model")
        }
        defer { ngram_model_free(lm) }
        let n = Int(ngram_model_get_counts(lm)?.pointee ?? 0)
        var scored: [(String, Int32)] = []
        scored.reserveCapacity(n)
        var used: Int32 = 0
        for wid in 0..<Int32(n) {
            guard let w = ngram_word(lm, wid) else { continue }
            let word = String(cString: w)
            if word.hasPrefix("<") { continue }
            scored.append((word, ngram_ng_score(lm, wid, nil, 0, &used)))
        }
        scored.sort { $0.1 > $1.1 }
        return scored.prefix(limit).map(\.0)
    }
}
