import Audio
import Foundation
import RingsideCore
import Speech
import Synchronization

/// The agent's voice in a call: turns a reply's sentences into 20 ms frames through streaming TTS,
/// hands out one frame per tick, and can pause (suspected barge-in), resume (false alarm) or stop,
/// saying exactly how much of the reply was played.
///
/// All of a reply's sentences are synthesised at once (flite runs far faster than real time), so the
/// reply's full length is known when the caller cuts in and the heard fraction is exact.
final class ReplyPlayer: @unchecked Sendable {
    /// One sentence being synthesised; frames arrive on the engine's thread.
    final class Utterance: @unchecked Sendable {
        let text: String
        let job: SynthesisJob
        private let state = LockedValue<UtteranceBuffer>(UtteranceBuffer())
        private var consumer: Task<Void, Never>?

        init(text: String, job: SynthesisJob, onFirstFrame: @escaping @Sendable () -> Void) {
            self.text = text
            self.job = job
            let state = self.state
            consumer = Task.detached {
                var first = true
                do {
                    for try await frame in job.frames {
                        if first { onFirstFrame(); first = false }
                        state.withLock { $0.frames.append(frame) }
                    }
                    state.withLock { $0.finished = true }
                } catch {
                    state.withLock { $0.finished = true; $0.failed = "\(error)" }
                }
            }
        }

        struct UtteranceBuffer: Sendable {
            var frames: [AudioFrame] = []
            var finished = false
            var failed: String?
        }

        var snapshot: (count: Int, finished: Bool) { state.withLock { ($0.frames.count, $0.finished) } }
        func frame(at i: Int) -> AudioFrame? { state.withLock { i < $0.frames.count ? $0.frames[i] : nil } }
        var failure: String? { state.withLock { $0.failed } }

        /// Waits (polling briefly) until frame `i` exists or synthesis is over.
        func waitForFrame(_ i: Int) async {
            while true {
                let (count, finished) = snapshot
                if i < count || finished { return }
                try? await Task.sleep(nanoseconds: 200_000)
            }
        }

        func cancel() {
            job.cancel()
            consumer?.cancel()
        }
    }

    /// A reply's first sentence synthesised ahead and not played (a speculative reply): it reaches
    /// the far end only if handed to `play(_:turn:held:)`; otherwise `cancel()` drops it.
    final class HeldSpeech: @unchecked Sendable {
        let text: String
        let utterance: Utterance
        /// The first frame arrived (true), or what to do when it does.
        fileprivate let firstFrame: LockedValue<(arrived: Bool, then: (@Sendable () -> Void)?)>

        fileprivate init(text: String, job: SynthesisJob) {
            self.text = text
            let firstFrame = LockedValue<(arrived: Bool, then: (@Sendable () -> Void)?)>((false, nil))
            self.firstFrame = firstFrame
            utterance = Utterance(text: text, job: job) {
                let then = firstFrame.withLock { f -> (@Sendable () -> Void)? in f.arrived = true; return f.then }
                then?()
            }
        }

        /// Runs `body` once the first frame exists (now, if it already does).
        fileprivate func onFirstFrame(_ body: @escaping @Sendable () -> Void) {
            let now = firstFrame.withLock { f -> Bool in
                if f.arrived { return true }
                f.then = body
                return false
            }
            if now { body() }
        }

        func cancel() { utterance.cancel() }
    }

    enum Phase: Equatable { case idle, speaking, paused }

    let synthesizer: any SpeechSynthesizer
    let rate: SampleRate
    private let bus: CallEventBus
    private(set) var phase: Phase = .idle
    private(set) var utterances: [Utterance] = []
    private var index = 0      // utterance being played
    private var position = 0   // next frame within it
    private(set) var turn = 0
    private var startedPlayout = false
    /// Silent frames skipped before the reply's first sound (never sent, so never heard).
    private var leadIn = 0
    private let firstAudio = LockedValue(false)
    private(set) var reply = AgentReply(sentences: [])

    init(synthesizer: any SpeechSynthesizer, rate: SampleRate, bus: CallEventBus) {
        self.synthesizer = synthesizer
        self.rate = rate
        self.bus = bus
    }

    var isSpeaking: Bool { phase == .speaking }
    var isActive: Bool { phase != .idle }

    /// Starts synthesising the first sentence of `reply` without playing it or saying so on the bus.
    func prepare(_ reply: AgentReply) -> HeldSpeech? {
        guard let first = reply.sentences.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
              let job = try? synthesizer.synthesize(first, rate: rate) else { return nil }
        return HeldSpeech(text: first, job: job)
    }

    /// Starts speaking a reply, replacing anything still queued. `held`, the reply's first sentence
    /// synthesised ahead, is played instead of synthesising it again.
    func play(_ reply: AgentReply, turn: Int, held: HeldSpeech? = nil) {
        stopAll()
        self.reply = reply
        self.turn = turn
        index = 0
        position = 0
        startedPlayout = false
        leadIn = 0
        firstAudio.withLock { $0 = false }
        let sentences = reply.sentences.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !sentences.isEmpty else { phase = .idle; return }
        let bus = self.bus
        let firstAudio = self.firstAudio
        var held = held
        for (i, sentence) in sentences.enumerated() {
            bus.emit(.tts, .ttsRequested(text: sentence), turn: turn)
            if i == 0, let ready = held, ready.text == sentence {
                held = nil
                utterances.append(ready.utterance)
                ready.onFirstFrame {
                    let isFirst = firstAudio.withLock { done -> Bool in defer { done = true }; return !done }
                    if isFirst { bus.emit(.tts, .ttsFirstAudio, turn: turn) }
                }
                continue
            }
            do {
                let job = try synthesizer.synthesize(sentence, rate: rate)
                utterances.append(Utterance(text: sentence, job: job) {
                    guard i == 0 else { return }
                    let isFirst = firstAudio.withLock { done -> Bool in defer { done = true }; return !done }
                    if isFirst { bus.emit(.tts, .ttsFirstAudio, turn: turn) }
                })
            } catch {
                bus.emit(.tts, .error("speech synthesis failed for \"\(sentence)\": \(error)"), turn: turn)
            }
        }
        held?.cancel()
        phase = utterances.isEmpty ? .idle : .speaking
    }

    /// The next frame to play, or nil (nothing to say, paused, or — in real time — not synthesised yet).
    /// With `wait`, blocks until the frame exists (virtual time: synthesis takes no call time).
    func nextFrame(wait: Bool) async -> AudioFrame? {
        guard phase == .speaking else { return nil }
        while index < utterances.count {
            let u = utterances[index]
            if wait { await u.waitForFrame(position) }
            if let f = u.frame(at: position) {
                position += 1
                // A reply starts at its first sound: the synthesiser's lead-in (about 200 ms with
                // flite) is dead air before the answer, and the caller's wait ends where they hear it.
                if !startedPlayout, !AudioLevel(frame: f).isSound {
                    leadIn += 1
                    continue
                }
                return f
            }
            if u.snapshot.finished {
                if let failure = u.failure { bus.emit(.tts, .error("speech synthesis failed: \(failure)"), turn: turn) }
                index += 1
                position = 0
                continue
            }
            return nil  // real time: TTS underrun, play silence this tick
        }
        finish()
        return nil
    }

    /// Marks that a frame reached the sink; returns true for the reply's first.
    func notePlayed() -> Bool {
        defer { startedPlayout = true }
        return !startedPlayout
    }

    /// Stops output at once (the caller may be barging in); `unplayed` frames the sink dropped go back.
    func pause(unplayed: Int) {
        guard phase == .speaking else { return }
        rewind(unplayed)
        phase = .paused
    }

    /// The suspected barge-in was noise: carry on where the caller last heard.
    func resume() {
        guard phase == .paused else { return }
        phase = .speaking
    }

    /// Ends the reply at the current point; returns what the caller heard. Waits for synthesis of the
    /// reply to complete first (it started with the reply), so the fraction is of the whole reply.
    func stop() async -> (heardText: String, fraction: Double) {
        for u in utterances { await u.waitForFrame(Int.max) }
        let heard = heardSoFar()
        stopAll()
        bus.emit(.playout, .playoutFinished(heardFraction: heard.fraction), turn: turn)
        return heard
    }

    /// What of the reply has been played, by frames (all sentences' lengths are known once synthesised).
    func heardSoFar() -> (heardText: String, fraction: Double) {
        var total = 0, played = 0
        var words: [String] = []
        for (i, u) in utterances.enumerated() {
            let n = u.snapshot.count
            total += n
            if i < index {
                played += n
                words += u.text.split(separator: " ").map(String.init)
            } else if i == index {
                played += position
                let w = u.text.split(separator: " ").map(String.init)
                let share = n > 0 ? Double(position) / Double(n) : 0
                words += w.prefix(Int((Double(w.count) * share).rounded(.down)))
            }
        }
        // Of what was sent: the lead-in skipped before the first sound is no part of the reply heard.
        let fraction = total > leadIn ? Double(max(0, played - leadIn)) / Double(total - leadIn) : 0
        return (words.joined(separator: " "), fraction)
    }

    private func rewind(_ frames: Int) {
        var n = frames
        while n > 0 {
            if position >= n { position -= n; n = 0 } else if index > 0 && position == 0 {
                index -= 1
                position = utterances[index].snapshot.count
            } else { n -= position; position = 0; if index == 0 { n = 0 } }
        }
    }

    private func finish() {
        guard phase != .idle else { return }
        phase = .idle
        bus.emit(.tts, .ttsFinished, turn: turn)
        bus.emit(.playout, .playoutFinished(heardFraction: 1), turn: turn)
        utterances.removeAll()
    }

    private func stopAll() {
        for u in utterances { u.cancel() }
        utterances.removeAll()
        phase = .idle
        index = 0
        position = 0
    }
}
