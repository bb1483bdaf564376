import Audio
import Foundation
import Logging
import RingsideCore

/// The embedded recogniser: pocketsphinx with Debian's en-us model, one decoder per instance.
///
/// An actor, because a pocketsphinx decoder must never be used from two threads at once. Build
/// one per call (model load ≈ 0.5 s). Frames at any Ringside rate are resampled to 16 kHz.
/// `adapt(to:)` adds a domain model; an expectation per utterance boosts what the dialogue expects.
public actor PocketSphinxRecognizer: SpeechRecognizer {
    public nonisolated let configuration: PocketSphinxConfiguration
    public nonisolated var engineName: String { "pocketsphinx" }
    private let decoder: PocketSphinxDecoder
    private let logger = Logger(label: "ringside.speech.pocketsphinx")
    private var baseSearch = PocketSphinxDecoder.genericSearch
    private var hasDomain = false
    private var expectationSearches: [RecognitionExpectation: String] = [:]
    private var resampler: Resampler?
    private var parity = 0
    /// Noise suppression state; it learns the noise across utterances, so it lives with the decoder.
    private var denoiser: SpeexPreprocessor?
    private var utterance: (expectation: RecognitionExpectation?, start: MediaTime?, end: MediaTime, lastText: String)?
    /// This call's band where it is only known once the call is up (a SIP leg's negotiated codec);
    /// nil: `configuration.narrowband`.
    private let callBand = LockedValue<Bool?>(nil)

    public init(configuration: PocketSphinxConfiguration) throws {
        self.configuration = configuration
        decoder = try PocketSphinxDecoder(configuration: configuration)
    }

    /// Builds a domain language model from `vocabulary`, interpolated with the generic model, and
    /// makes it the model for open recognition. Words missing from the dictionary get flite's
    /// pronunciations. Returns how long it took.
    @discardableResult
    public func adapt(to vocabulary: DomainVocabulary) throws -> Duration {
        let started = ContinuousClock.now
        let sentences = DomainCorpus.sentences(for: vocabulary)
        try installSearch(named: "domain", sentences: sentences, mix: [(PocketSphinxDecoder.genericSearch, 1 - configuration.domainWeight)])
        baseSearch = "domain"
        hasDomain = true
        expectationSearches.removeAll()
        let took = ContinuousClock.now - started
        logger.info("domain model built", metadata: ["sentences": "\(sentences.count)", "took": "\(took)"])
        return took
    }

    /// Readies this recogniser for another call: ends any open utterance and restores the state
    /// live decoding carries between utterances, keeping the (costly) domain and expectation models.
    /// A recogniser reused this way hears a call exactly as a freshly built and adapted one would.
    public func startNewCall() {
        if utterance != nil { _ = try? decoder.endUtterance() }
        utterance = nil
        resampler = nil
        parity = 0
        callBand.withLock { $0 = nil }
        decoder.resetCepstralMean()
    }

    /// Hears this call as telephone band (G.711: 0–4 kHz, upsampled or not) or not, from now on,
    /// whatever the configuration says, until `startNewCall()`: for a leg whose codec is agreed only
    /// after its recogniser was built. Never waits (called from a bridge's or a phone's thread).
    public nonisolated func hearTelephoneBand(_ narrowband: Bool) {
        callBand.withLock { $0 = narrowband }
    }

    /// Whether 16 kHz frames are heard as telephone band now.
    public nonisolated var hearsTelephoneBand: Bool { callBand.value ?? configuration.narrowband }

    /// Whether `adapt(to:)` has installed a domain model.
    public var isAdapted: Bool { hasDomain }

    public func beginUtterance(expecting expectation: RecognitionExpectation?) throws {
        if utterance != nil { _ = try? decoder.endUtterance() }
        let search = try search(for: expectation)
        try decoder.startUtterance(search: search)
        resampler = nil
        utterance = (expectation, nil, .zero, "")
    }

    public func accept(_ frame: AudioFrame) throws -> PartialTranscript? {
        guard var u = utterance else { throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "accept(_:) called outside an utterance; call beginUtterance first") }
        if u.start == nil { u.start = frame.timestamp }
        u.end = frame.timestamp + AudioFrame.duration
        var samples = frame.samples
        if frame.rate != .hz16000 {
            if resampler == nil || resampler?.inputRate != frame.rate.hertz { resampler = try Resampler(from: frame.rate.hertz, to: 16000, quality: 3) }
            samples = resampler?.process(samples) ?? samples
        }
        if configuration.noiseSuppression {
            if denoiser == nil { denoiser = try SpeexPreprocessor(rate: .hz16000, denoise: true) }
            if let d = denoiser, samples.count == 320 {
                samples = d.process(AudioFrame(rate: .hz16000, samples: samples, timestamp: frame.timestamp)).frame.samples
            }
        }
        if frame.rate == .hz8000 || hearsTelephoneBand { extendBandwidth(&samples) }
        try decoder.process(samples)
        let text = decoder.hypothesis()
        let changed = text != u.lastText
        u.lastText = text
        utterance = u
        return text.isEmpty && !changed ? nil : PartialTranscript(text: text, audioTime: u.end, changed: changed)
    }

    public func endUtterance() throws -> RecognitionResult {
        guard let u = utterance else { throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "endUtterance() called outside an utterance") }
        if let tail = resampler?.finish(), !tail.isEmpty { try decoder.process(tail) }
        try decoder.endUtterance()
        utterance = nil
        let text = decoder.hypothesis()
        let words = decoder.segments(start: u.start ?? .zero)
        // The utterance posterior shrinks with length; the mean word posterior reads like a
        // per-utterance confidence and stays comparable across lengths.
        let posteriors = words.compactMap(\.confidence)
        let confidence = text.isEmpty ? 0 : posteriors.isEmpty ? decoder.confidence() : posteriors.reduce(0, +) / Double(posteriors.count)
        return RecognitionResult(text: text, confidence: confidence, words: words,
                                 interpretation: ExpectationInterpreter.interpret(text, as: u.expectation), audioEnd: u.end)
    }

    /// Mirrors 0–4 kHz into 4–8 kHz: multiplying by (−1)ⁿ shifts the spectrum by half the sample
    /// rate, so x·(1 + g·(−1)ⁿ) adds the mirror image at gain g without any filtering.
    private func extendBandwidth(_ samples: inout [Int16]) {
        let g = configuration.bandwidthExtension
        guard g > 0 else { return }
        for i in samples.indices {
            let sign: Double = (parity + i) % 2 == 0 ? 1 : -1
            samples[i] = Int16(clamping: Int((Double(samples[i]) * (1 + g * sign)).rounded()))
        }
        parity = (parity + samples.count) % 2
    }

    /// Builds (once) and returns the search an expectation listens with.
    private func search(for expectation: RecognitionExpectation?) throws -> String {
        guard let expectation, expectation != .open else { return baseSearch }
        if let name = expectationSearches[expectation] { return name }
        let name = "expect\(expectationSearches.count)"
        let rest = 1 - configuration.expectationWeight
        let mix: [(String, Double)] = hasDomain
            ? [("domain", rest * 0.6), (PocketSphinxDecoder.genericSearch, rest * 0.4)]
            : [(PocketSphinxDecoder.genericSearch, rest)]
        try installSearch(named: name, sentences: ExpectationCorpus.sentences(for: expectation), mix: mix)
        expectationSearches[expectation] = name
        return name
    }

    private func installSearch(named name: String, sentences: [[String]], mix: [(String, Double)]) throws {
        var missing = Set<String>()
        for s in sentences { for w in s where !decoder.isInDictionary(w) { missing.insert(w) } }
        let fromDictionary = configuration.vocabularyLimit == nil ? [:] : PronouncingDictionary.lookup(missing, in: configuration.model.dictionary)
        var known: [[String]] = []
        var added: [(word: String, phones: String)] = []
        var addedSet: Set<String> = []
        for s in sentences {
            var keep = true
            for w in s where missing.contains(w) && !addedSet.contains(w) {
                if let phones = fromDictionary[w] ?? FliteLexicon.phones(for: w) {
                    added.append((w, phones))
                    addedSet.insert(w)
                } else {
                    keep = false
                }
            }
            if keep { known.append(s) }
        }
        if !added.isEmpty {
            logger.debug("pronunciations added", metadata: ["words": "\(added.map(\.word))"])
            try decoder.addWords(added)
        }
        try decoder.installLanguageModel(name: name, arpa: ArpaLanguageModel(sentences: known).arpa(),
                                         mixWith: mix.map { (search: $0.0, weight: $0.1) })
    }
}
