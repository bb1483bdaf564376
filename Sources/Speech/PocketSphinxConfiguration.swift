import RingsideCore

/// How a pocketsphinx decoder is built: model files, search options and adaptation weights.
public struct PocketSphinxConfiguration: Sendable, Equatable {
    /// Acoustic model, generic language model and dictionary (discovered by `AcousticModel.locate`).
    public var model: AcousticModel
    /// Second pass over the utterance: better WER, about 100 ms more final latency.
    public var forwardFlat: Bool
    /// Lattice best path: needed for word posteriors and the utterance confidence.
    public var bestPath: Bool
    /// Treat 16 kHz input as telephone band too (8 kHz input always is): see `bandwidthExtension`.
    public var narrowband: Bool
    /// Gain of the mirrored image (0…1) that fills 4–8 kHz for band-limited input. The wideband
    /// model collapses when its top filters see nothing; a mirror of 0–4 kHz at this gain took WER
    /// on 8 kHz μ-law from 49 % to 29 % in tests, where changing `-upperf`/`-nfilt` made it worse.
    public var bandwidthExtension: Double
    /// Run speexdsp noise suppression on the audio before recognition.
    public var noiseSuppression: Bool
    /// Keep only this many of the generic model's most probable words in the decoder's dictionary
    /// (`nil`: the whole CMU dictionary). Search set-up time is proportional to the dictionary,
    /// so this is what makes a domain model or an expectation ready in a fraction of a second;
    /// domain words outside the limit are added back from the full dictionary.
    public var vocabularyLimit: Int?
    /// Any further `-flag value` pairs, passed to pocketsphinx verbatim (e.g. `["-beam": "1e-60"]`).
    public var extraArguments: [String: String]
    /// Weight of the domain model when interpolated with the generic one (0…1).
    public var domainWeight: Double
    /// Weight of an expectation's model for the utterance it applies to (0…1).
    public var expectationWeight: Double

    public init(model: AcousticModel, forwardFlat: Bool = false, bestPath: Bool = true, narrowband: Bool = false,
                bandwidthExtension: Double = 0.25, vocabularyLimit: Int? = 20_000, noiseSuppression: Bool = false, extraArguments: [String: String] = [:], domainWeight: Double = 0.5, expectationWeight: Double = 0.7) {
        self.model = model
        self.forwardFlat = forwardFlat
        self.bestPath = bestPath
        self.narrowband = narrowband
        self.bandwidthExtension = bandwidthExtension
        self.vocabularyLimit = vocabularyLimit
        self.noiseSuppression = noiseSuppression
        self.extraArguments = extraArguments
        self.domainWeight = domainWeight
        self.expectationWeight = expectationWeight
    }

    /// Debian's model (or `RINGSIDE_SPHINX_MODEL`) with Ringside's defaults.
    public static func standard(modelDirectory: String? = nil) throws -> PocketSphinxConfiguration {
        PocketSphinxConfiguration(model: try AcousticModel.locate(directory: modelDirectory))
    }

    /// The command-line style arguments pocketsphinx is configured with.
    public var arguments: [String] {
        var flags: [String: String] = [
            "-hmm": model.hmm, "-lm": model.languageModel, "-dict": model.dictionary,
            "-samprate": "16000",
            "-fwdflat": forwardFlat ? "yes" : "no", "-bestpath": bestPath ? "yes" : "no",
        ]
        for (k, v) in extraArguments { flags[k.hasPrefix("-") ? k : "-" + k] = v }
        return ["pocketsphinx"] + flags.keys.sorted().flatMap { [$0, flags[$0] ?? ""] }
    }
}
