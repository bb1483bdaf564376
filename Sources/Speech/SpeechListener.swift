import RingsideCore

/// The caller-side speech stage of a session: VAD, endpointing, turn detection and recognition
/// over one stream of frames, turned into `CallEvent`s.
///
/// Push every frame with `process(_:)` and forward the events it returns. A recogniser utterance
/// runs from just before speech starts (a short pre-roll, so the first phoneme is not lost) to the
/// end of the turn; partials are emitted as they change, the final right after `endOfTurn`.
/// Event times come from frame timestamps. Owned by one task; not for sharing.
public final class SpeechListener {
    public let recognizer: any SpeechRecognizer
    public let vad: any VoiceActivityDetector
    public private(set) var endpoint: EndpointDetector
    public let callID: String
    public let speaker: Speaker
    /// Audio fed to the recogniser from before the detected start of speech.
    public var preRollFrames: Int
    /// Turn number stamped on events; advances after each final transcript.
    public private(set) var turn: Int
    /// Live calls: stamp the final when it was ready (the end of turn plus the wall time the
    /// recogniser took), so the STT stage of the latency bar is what it really cost. Virtual-time
    /// calls keep recognition out of call time.
    public var stampsRecognitionWait = false

    /// A learned end-of-turn model deciding in pauses (nil: the transcript rules of `endpoint` alone).
    public var learnedTurn: LearnedTurnDetection? {
        didSet { endpoint.policy = learnedTurn?.policy ?? rulesPolicy }
    }
    /// Virtual time: wait for the model's answer on the frame that asked (its compute takes no call
    /// time). Live calls set this false: the frame goes on and the answer applies on the frame it arrives.
    public var awaitsModel = true
    /// The last probability the model gave, for the screen and reports.
    public private(set) var lastTurnProbability: Double?
    /// Virtual time: the frame that ends a turn waits for the final (recognition takes no call time).
    /// Live calls set this false: the final is worked out off the frame loop — the frames go on (the
    /// agent keeps talking, the caller is heard) and its events come with the first frame after it
    /// is ready, stamped when it was.
    public var awaitsFinal = true

    private let rulesPolicy: TurnPolicy
    private var history: [Int16] = []
    private var nextAsk: MediaTime?
    private var pendingAsk: PendingWork<Result<Double, any Error>>?
    private var expectation: RecognitionExpectation?
    private var recent: [AudioFrame] = []
    private var inUtterance = false
    private var lastPartial = ""
    private var lastEnd: MediaTime?
    /// Whisper's words for the audio up to the current pause, once the decode started at the pause
    /// is done (live two-pass calls). The turn rules and the learned model's veto judge these rather
    /// than the streaming partial, which mishears far more: a digit it dropped from an order number
    /// kept a finished turn waiting the long window.
    private var pauseWords: String?
    /// The learned model's last answer in this pause when the rules vetoed it.
    private var vetoedProbability: Double?
    /// A final being worked out off the frame loop (`awaitsFinal` false).
    private var pendingFinal: (work: PendingWork<Result<RecognitionResult, any Error>>, time: MediaTime)?

    public init(recognizer: any SpeechRecognizer, vad: any VoiceActivityDetector, endpoint: EndpointDetector = EndpointDetector(),
                callID: String = "call", speaker: Speaker = .caller, firstTurn: Int = 1, preRollFrames: Int = 12) {
        self.recognizer = recognizer
        self.vad = vad
        self.endpoint = endpoint
        self.callID = callID
        self.speaker = speaker
        self.turn = firstTurn
        self.preRollFrames = preRollFrames
        rulesPolicy = endpoint.policy
    }

    /// What the dialogue expects next; applies from the next utterance.
    public func expect(_ expectation: RecognitionExpectation?) {
        self.expectation = expectation
        if !inUtterance { endpoint.reset(expecting: expectation) }
    }

    /// The latest partial transcript of the current turn.
    public var currentPartial: String { lastPartial }

    /// The best transcript of the turn so far, for answering ahead at a pause: Whisper's decode of
    /// the audio up to the pause once it is ready (the final decodes the same audio), else the partial.
    public func pauseTranscript() async -> String {
        await recognizer.speculativeText() ?? lastPartial
    }

    public func process(_ frame: AudioFrame) async throws -> [CallEvent] {
        var out: [CallEvent] = []
        let speech = vad.isSpeech(frame)
        recent.append(frame)
        if recent.count > preRollFrames + endpoint.onsetFrames { recent.removeFirst(recent.count - preRollFrames - endpoint.onsetFrames) }
        out += try takeFinalIfReady()
        var events = await readPauseWords(at: frame.timestamp)
        events += endpoint.process(frameStart: frame.timestamp, isSpeech: speech)
        if learnedTurn != nil, frame.rate == .hz16000 {
            history += frame.samples
            if history.count > 2 * LearnedTurnDetection.windowSamples { history.removeFirst(history.count - LearnedTurnDetection.windowSamples) }
            if !events.contains(where: { if case .endOfTurn = $0 { true } else { false } }) {
                events += await askModel(at: frame.timestamp + AudioFrame.duration, failures: &out)
            } else {
                resetAsking()
            }
        }
        var fed = false
        for e in events {
            if case .speechStarted = e, !inUtterance {
                // The recogniser serves one utterance at a time: the last one's final comes first.
                out += try await waitForFinal()
                try await recognizer.beginUtterance(expecting: expectation)
                inUtterance = true
                lastPartial = ""
                for f in recent { out += try await feed(f) }
                fed = true
            }
        }
        if inUtterance && !fed { out += try await feed(frame) }
        for e in events {
            switch e {
            case let .speechStopped(trueEnd, _) where inUtterance: await recognizer.notePause(trueEnd: trueEnd)
            case .speechStarted where inUtterance && fed == false:
                await recognizer.noteResumed()
                forgetPauseWords()
            default: break
            }
            out.append(e.callEvent(callID: callID, turn: turn, speaker: speaker))
            if case let .endOfTurn(trueEnd, decidedAt, _) = e {
                out += try await finish(at: decidedAt, trueEnd: trueEnd)
            }
        }
        return out
    }

    /// In a pause, asks the learned model whether the turn is over; returns the end of turn if it is.
    private func askModel(at now: MediaTime, failures: inout [CallEvent]) async -> [EndpointEvent] {
        guard let learned = learnedTurn else { return [] }
        guard let silence = endpoint.silence(at: now) else {
            resetAsking()
            return []
        }
        if pendingAsk == nil, silence >= (nextAsk ?? learned.askAfter) {
            let audio = Array(history.suffix(LearnedTurnDetection.windowSamples))
            let model = learned.model
            pendingAsk = PendingWork(catching: { try await model.probabilityComplete(samples16k: audio) })
            if awaitsModel { await pendingAsk?.settle() }
        }
        guard let answer = pendingAsk?.result else { return [] }
        pendingAsk = nil
        switch answer {
        case let .failure(error):
            // The rules carry on alone for the rest of the call.
            failures.append(CallEvent(callID: callID, turn: turn, time: now, stage: .endpoint,
                                      payload: .error("end-of-turn model failed (\(error)); deciding by the transcript rules from now on")))
            learnedTurn = nil
            return []
        case let .success(p):
            lastTurnProbability = p
            if p >= learned.threshold {
                if !learned.vetoes(endpoint.currentPartial, expecting: expectation) {
                    resetAsking()
                    return endpoint.endTurn(at: now, rule: .learnedModel(probability: p))
                }
                vetoedProbability = p
            }
            nextAsk = silence + learned.askAgainEvery
            return []
        }
    }

    /// In a pause of a two-pass recogniser's utterance: takes Whisper's words for it once they are
    /// ready. A learned model's "complete" that the streaming words vetoed ends the turn at once
    /// when Whisper's words do not veto it.
    private func readPauseWords(at now: MediaTime) async -> [EndpointEvent] {
        guard inUtterance, pauseWords == nil, endpoint.silence(at: now) != nil,
              let words = await recognizer.speculativeText(), !words.isEmpty else { return [] }
        pauseWords = words
        endpoint.update(partial: words)
        guard let p = vetoedProbability, let learned = learnedTurn, !learned.vetoes(words, expecting: expectation) else { return [] }
        resetAsking()
        return endpoint.endTurn(at: now, rule: .learnedModel(probability: p))
    }

    /// The caller went on: the streaming partial judges the turn again.
    private func forgetPauseWords() {
        guard pauseWords != nil else { return }
        pauseWords = nil
        endpoint.update(partial: lastPartial)
    }

    private func resetAsking() {
        pendingAsk?.cancel()
        pendingAsk = nil
        nextAsk = nil
        vetoedProbability = nil
    }

    /// Ends input: closes an open turn as if the window had expired at the last frame.
    public func flush() async throws -> [CallEvent] {
        let before = try await waitForFinal()
        guard inUtterance, let end = lastEnd else { return before }
        let trueEnd = end
        let e = EndpointEvent.endOfTurn(trueEnd: trueEnd, decidedAt: end, rule: .endOfInput)
        endpoint.reset(expecting: expectation)
        return before + [e.callEvent(callID: callID, turn: turn, speaker: speaker)] + (try await finish(at: end, trueEnd: trueEnd, waiting: true))
    }

    /// Waits for a final being worked out off the frame loop; its events, or none.
    public func waitForFinal() async throws -> [CallEvent] {
        guard let pending = pendingFinal else { return [] }
        await pending.work.settle()
        return try takeFinalIfReady()
    }

    private func takeFinalIfReady() throws -> [CallEvent] {
        guard let pending = pendingFinal, let result = pending.work.result else { return [] }
        pendingFinal = nil
        return finalEvents(try result.get(), at: pending.time)
    }

    private func feed(_ frame: AudioFrame) async throws -> [CallEvent] {
        lastEnd = frame.timestamp + AudioFrame.duration
        guard let p = try await recognizer.accept(frame), p.changed else { return [] }
        lastPartial = p.text
        endpoint.update(partial: pauseWords ?? p.text)
        return [CallEvent(callID: callID, turn: turn, time: p.audioTime, stage: .stt, payload: .partialTranscript(speaker: speaker, text: p.text))]
    }

    /// `waiting`: the final's events are returned now (else they come with a later frame).
    private func finish(at time: MediaTime, trueEnd: MediaTime, waiting: Bool? = nil) async throws -> [CallEvent] {
        inUtterance = false
        pauseWords = nil
        guard waiting ?? awaitsFinal else {
            let recognizer = self.recognizer
            pendingFinal = (PendingWork(catching: { try await recognizer.endUtterance() }), time)
            endpoint.reset(expecting: expectation)
            lastPartial = ""
            return []
        }
        let events = finalEvents(try await recognizer.endUtterance(), at: time)
        endpoint.reset(expecting: expectation)
        lastPartial = ""
        return events
    }

    private func finalEvents(_ result: RecognitionResult, at time: MediaTime) -> [CallEvent] {
        let at = stampsRecognitionWait ? time + .seconds(result.waitSeconds) : time
        let source = FinalSource(speaker: speaker, engine: result.engine, speculative: result.speculative,
                                 waitMs: (result.waitSeconds * 1000).rounded(), fallback: result.fallback,
                                 unclear: result.unclear ? true : nil)
        let events = [
            CallEvent(callID: callID, turn: turn, time: at, stage: .stt, payload: .finalSource(source)),
            CallEvent(callID: callID, turn: turn, time: at, stage: .stt,
                      payload: .finalTranscript(speaker: speaker, text: result.text, confidence: result.confidence)),
        ]
        lastResult = result
        turn += 1
        return events
    }

    /// The full result (word timings, interpretation) behind the last `finalTranscript` event.
    public private(set) var lastResult: RecognitionResult?
}
