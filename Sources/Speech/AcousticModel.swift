internal import CPocketSphinx
import Foundation
import RingsideCore

/// Problems with the speech engines' installed data, naming what is missing and where.
public enum SpeechSetupError: Error, Equatable, CustomStringConvertible {
    case modelMissing(path: String, what: String)
    case unknownVoice(String, available: [String])
    case engineFailed(engine: String, reason: String)

    public var description: String {
        switch self {
        case let .modelMissing(path, what):
            return "\(what) not found at \(path) (install Debian's pocketsphinx-en-us, or point RINGSIDE_SPHINX_MODEL at a folder holding en-us/, en-us.lm.bin and cmudict-en-us.dict)"
        case let .unknownVoice(v, available):
            return "unknown voice '\(v)'; available: \(available.joined(separator: ", "))"
        case let .engineFailed(engine, reason):
            return "\(engine) failed: \(reason)"
        }
    }
}

/// Where pocketsphinx's English model lives: the acoustic model folder, language model and dictionary.
public struct AcousticModel: Sendable, Equatable {
    public var hmm: String
    public var languageModel: String
    public var dictionary: String

    /// Debian's pocketsphinx-en-us location.
    public static let debianDirectory = "/usr/share/pocketsphinx/model/en-us"

    /// The model under `directory` (default: `RINGSIDE_SPHINX_MODEL`, else Debian's), checked file by file.
    public static func locate(directory: String? = nil) throws -> AcousticModel {
        let dir = directory ?? ProcessInfo.processInfo.environment["RINGSIDE_SPHINX_MODEL"] ?? debianDirectory
        let model = AcousticModel(hmm: dir + "/en-us", languageModel: dir + "/en-us.lm.bin", dictionary: dir + "/cmudict-en-us.dict")
        let fm = FileManager.default
        for (path, what) in [(model.hmm + "/mdef", "acoustic model (en-us/mdef)"),
                             (model.hmm + "/means", "acoustic model (en-us/means)"),
                             (model.languageModel, "language model (en-us.lm.bin)"),
                             (model.dictionary, "pronunciation dictionary (cmudict-en-us.dict)")]
        where !fm.fileExists(atPath: path) {
            throw SpeechSetupError.modelMissing(path: path, what: what)
        }
        return model
    }

    /// True when the pocketsphinx library can build a configuration for this model.
    public func configurationLoads() -> Bool {
        rs_ps_silence_logs()
        let args = ["pocketsphinx", "-hmm", hmm, "-lm", languageModel, "-dict", dictionary]
        var cStrings = args.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        guard let config = cStrings.withUnsafeMutableBufferPointer({ rs_ps_config_from_argv(Int32($0.count), $0.baseAddress) }) else {
            return false
        }
        cmd_ln_free_r(config)
        return true
    }
}
