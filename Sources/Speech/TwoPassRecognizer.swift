import Audio
import Foundation
import Logging
import RingsideCore

/// Two passes, one transcript: a streaming recogniser (pocketsphinx) gives partials on every frame;
/// Whisper gives the final of each turn.
///
/// The Whisper decode starts at the caller's first pause of `speculationPause` — before the end of
/// the turn is decided — on the audio up to that pause plus `tail`, and is thrown away if the caller
/// goes on; when the turn ends on that pause the final is (nearly) ready. The decoded audio is the
/// same whether or not the speculation finished in time, so the final does not depend on timing.
/// Past `deadline`, or when a guard rejects what Whisper wrote (a line invented from noise, a
/// repetition loop), the streaming pass's final stands, and the result says why.
public actor TwoPassRecognizer: SpeechRecognizer {
    public struct Settings: Sendable {
        /// Silence after the end of speech before the speculative decode starts. 120 ms was tried
        /// (`ringside-bench session --decode-after`): no gain on a quiet machine (median STT wait 203
        /// vs 208 ms, v2v p50 799 vs 773 ms) and worse finals (a clip ending 120 ms after the speech
        /// made Whisper loop more: library caller WER 5.95 → 6.32 %, generalisation 8.40 → 9.44 %).
        public var speculationPause: MediaTime = .milliseconds(200)
        /// Audio kept after the end of speech for the decode (no longer than `speculationPause`, or
        /// the decode started at the pause could not serve as the final).
        public var tail: MediaTime = .milliseconds(200)
        /// Longest the end of a turn waits for Whisper (wall time); then the streaming final stands.
        public var deadline: Duration = .milliseconds(1500)
        /// Start decodes at pauses (off: decode only when the turn has ended, for measurement).
        public var speculate = true
        /// Decode on one core beside other calls' decodes (throughput) instead of on every core alone (latency).
        public var shareCores = false
        /// Longest prompt (characters) of the agent's words put before each decode.
        public var promptLimit = 250
        /// Which of the agent's words the prompt carries before which answer. Every name before every
        /// answer stays the default: names only where a name is expected scored better on the library
        /// (caller WER 5.44 vs 5.82 %) but worse on the speech bench's clean corpus (11.7 vs 10.8 %) and
        /// lost two generalisation calls whose open requests no longer had the weekdays in the prompt
        /// ("on thursday" → "on thirsty", "pharmacy nearby" → "farm machine air bye").
        public var promptScope = WhisperText.PromptScope.everything

        public init() {}
        /// For calls in virtual time: no wall-time deadline that load could trip (results must not depend on timing).
        public static var virtualTime: Settings {
            var s = Settings()
            s.deadline = .seconds(30)
            // Recognition takes no call time there: a decode started early saves nothing.
            s.speculate = false
            // Only the suite's throughput counts there: two single-threaded decodes at once beat
            // one two-threaded decode after another.
            s.shareCores = true
            return s
        }
    }

    public nonisolated let streaming: any SpeechRecognizer
    public nonisolated let whisper: WhisperModel
    public nonisolated var engineName: String { "whisper" }
    public var settings: Settings
    /// Words to bias Whisper towards (the agent's names and values).
    private var vocabulary: [String] = []
    private var domainWords: [String] = []
    private var digitLengths: Set<Int> = []
    private let logger = Logger(label: "ringside.speech.twopass")

    private var expectation: RecognitionExpectation?
    private var audio: [Float] = []
    private var audioStart: MediaTime?
    private var resampler: Resampler?
    private var pause: MediaTime?
    private var speculation: (job: WhisperJob, cut: Int)?
    /// What the guards made of the finished speculation (nil inside: rejected), judged once.
    private var speculationVerdict: String??
    /// The streaming pass's latest partial of this utterance.
    private var streamingPartial = ""
    /// Speculative decodes started and thrown away because the caller went on, for tests and the bench.
    public private(set) var speculationsCancelled = 0
    public private(set) var speculationsUsed = 0

    public init(streaming: any SpeechRecognizer, whisper: WhisperModel, settings: Settings = Settings()) {
        self.streaming = streaming
        self.whisper = whisper
        self.settings = settings
    }

    /// Names and values Whisper's prompt carries (see `WhisperText.prompt`).
    public func bias(towards vocabulary: DomainVocabulary) {
        self.vocabulary = vocabulary.slotValues
        domainWords = WhisperText.domainWords(from: vocabulary.phrases)
    }

    public func bias(towards words: [String]) {
        vocabulary = words
    }

    /// The lengths of the digit strings the agent asks for (a five-digit order number).
    public func expectDigitStrings(ofLength lengths: Set<Int>) {
        digitLengths = lengths
    }

    public func beginUtterance(expecting expectation: RecognitionExpectation?) async throws {
        speculation?.job.cancel()
        speculation = nil
        pause = nil
        audio.removeAll(keepingCapacity: true)
        streamingPartial = ""
        audioStart = nil
        resampler = nil
        self.expectation = expectation
        try await streaming.beginUtterance(expecting: expectation)
    }

    public func accept(_ frame: AudioFrame) async throws -> PartialTranscript? {
        let partial = try await streaming.accept(frame)
        if let partial { streamingPartial = partial.text }
        if audioStart == nil { audioStart = frame.timestamp }
        var samples = frame.samples
        if frame.rate != .hz16000 {
            if resampler == nil || resampler?.inputRate != frame.rate.hertz { resampler = try Resampler(from: frame.rate.hertz, to: 16000, quality: 5) }
            samples = resampler?.process(samples) ?? samples
        }
        audio.reserveCapacity(audio.count + samples.count)
        for s in samples { audio.append(Float(s) / 32768) }
        if settings.speculate, speculation == nil, let pause, frame.timestamp + AudioFrame.duration - pause >= settings.speculationPause {
            let cut = sampleIndex(pause + settings.tail)
            speculation = (whisper.decode(request(cut: cut, urgent: false)), cut)
            speculationVerdict = nil
        }
        return partial
    }

    /// Whisper's words for the audio up to the current pause, once the decode started there is done;
    /// nil before (or with no pause). The final's guards may still prefer the streaming text.
    /// Text the final's guards would throw away (a phantom line, a loop, an unsure decode) is not given.
    public func speculativeText() -> String? {
        guard pause != nil, let s = speculation else { return nil }
        if let verdict = speculationVerdict { return verdict }
        guard let outcome = s.job.outcome else { return nil }
        var verdict: String?
        if outcome.status == .ok {
            let maxTokens = WhisperRequest.maxTokens(seconds: Double(s.cut) / 16000)
            let (spoken, checked) = Self.unlooped(outcome, maxTokens: maxTokens)
            if WhisperText.rejection(of: checked, spoken: spoken, streamingText: streamingPartial, maxTokens: maxTokens) == nil { verdict = spoken }
        }
        speculationVerdict = .some(verdict)
        return verdict
    }

    /// Whisper's words with its loops said once, and the outcome the guards judge: a loop collapsed
    /// to one sentence, or to one digit string, is an answer, not a runaway decode.
    private static func unlooped(_ outcome: WhisperOutcome, maxTokens: Int) -> (spoken: String, checked: WhisperOutcome) {
        var collapsed = WhisperText.collapsingPhraseRepeat(WhisperText.collapsingRepeats(outcome.text))
        if outcome.tokens >= maxTokens, let once = WhisperText.collapsingDigitLoop(collapsed) { collapsed = once }
        var checked = outcome
        if collapsed != outcome.text { checked.tokens = 0 }
        return (WhisperText.spoken(collapsed), checked)
    }

    /// Waits until the decode started at the current pause (if any) is done: for calls where
    /// recognition takes no call time, and for tests that must not depend on how fast it runs.
    public func speculationSettled() async {
        guard let s = speculation else { return }
        _ = await s.job.wait(deadline: settings.deadline)
    }

    public func notePause(trueEnd: MediaTime) async {
        pause = trueEnd
    }

    public func noteResumed() async {
        pause = nil
        if let s = speculation {
            s.job.cancel()
            speculation = nil
            speculationsCancelled += 1
        }
    }

    public func endUtterance() async throws -> RecognitionResult {
        var result = try await streaming.endUtterance()
        if let tail = resampler?.finish() { for s in tail { audio.append(Float(s) / 32768) } }
        let cut = pause.map { sampleIndex($0 + settings.tail) } ?? audio.count
        let job: WhisperJob
        let started = ContinuousClock.now
        if let s = speculation, s.cut == cut {
            job = s.job
            job.makeUrgent(scheduler: whisper.scheduler)
            result.speculative = true
            speculationsUsed += 1
        } else {
            speculation?.job.cancel()
            job = whisper.decode(request(cut: cut, urgent: true))
        }
        speculation = nil
        let outcome = await job.wait(deadline: settings.deadline)
        let waited = ContinuousClock.now - started
        result.waitSeconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        guard let outcome else {
            result.fallback = "whisper missed its \(settings.deadline) deadline"
            return result
        }
        guard outcome.status == .ok else {
            result.fallback = "whisper failed (\(outcome.status))"
            return result
        }
        result.rawText = outcome.text
        let maxTokens = WhisperRequest.maxTokens(seconds: Double(cut) / 16000)
        let (spoken, checked) = Self.unlooped(outcome, maxTokens: maxTokens)
        if let why = WhisperText.rejection(of: checked, spoken: spoken, streamingText: result.text, maxTokens: maxTokens) {
            logger.debug("whisper text rejected", metadata: ["why": "\(why)"])
            result.engine = "whisper"
            result.fallback = why
            // A line invented from noise is not caller speech at all; after a runaway decode (a loop,
            // the token cap) the streaming text stands only if the streaming pass was sure of it.
            let runaway = checked.tokens >= maxTokens || WhisperText.repetition(in: spoken) != nil
            let unsure = checked.meanTokenProbability < 0.4
            if !(runaway || unsure) || result.confidence < 0.6 {
                // Words were there, only not made out: Whisper took the audio for speech, and the
                // streaming pass heard words too. A line invented from noise or silence is not that.
                result.unclear = (runaway || unsure) && outcome.noSpeechProbability < 0.5 && !result.text.isEmpty
                result.text = ""
                result.words = []
                result.confidence = 0
                result.interpretation = nil
            }
            return result
        }
        // A closed question (digits of a known length, yes or no, one of a list): the streaming pass
        // decodes with a grammar built from the expected answers. When it found a complete answer and
        // Whisper's words do not answer as completely, the grammar-guided words stand.
        if let kind = WhisperText.closedAnswerPreference(expectation: expectation, whisper: spoken, streaming: result.text, streamingInterpretation: result.interpretation) {
            result.engine = "pocketsphinx"
            result.fallback = "the expected \(kind) was heard completely only by the grammar-guided pass"
            return result
        }
        if expectation == nil || expectation == .open,
           WhisperText.digitLengthPreference(whisper: spoken, streaming: result.text, lengths: digitLengths) {
            result.engine = "pocketsphinx"
            result.fallback = "only the streaming pass heard a digit string of a length the agent asks for"
            return result
        }
        result.engine = "whisper"
        result.fallback = nil
        result.text = spoken
        result.words = []
        result.confidence = spoken.isEmpty ? 0 : outcome.meanTokenProbability
        result.interpretation = ExpectationInterpreter.interpret(spoken, as: expectation)
        return result
    }

    private func sampleIndex(_ t: MediaTime) -> Int {
        let start = audioStart ?? .zero
        let i = Int(((t - start).seconds * 16000).rounded())
        return max(0, min(audio.count, i))
    }

    private func request(cut: Int, urgent: Bool) -> WhisperRequest {
        WhisperRequest(samples: Array(audio[0..<min(cut, audio.count)]),
                       prompt: WhisperText.prompt(vocabulary: vocabulary, domainWords: domainWords, expectation: expectation,
                                                 scope: settings.promptScope, limit: settings.promptLimit), urgent: urgent,
                       shareCores: settings.shareCores)
    }
}
