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

    private var expectation: RecognitionExpectation?
    private var recent: [AudioFrame] = []
    private var inUtterance = false
    private var lastPartial = ""
    private var lastEnd: MediaTime?

    public init(recognizer: any SpeechRecognizer, vad: any VoiceActivityDetector, endpoint: EndpointDetector = EndpointDetector(),
                callID: String = "call", speaker: Speaker = .caller, firstTurn: Int = 1, preRollFrames: Int = 12) {
        self.recognizer = recognizer
        self.vad = vad
        self.endpoint = endpoint
        self.callID = callID
        self.speaker = speaker
        self.turn = firstTurn
        self.preRollFrames = preRollFrames
    }

    /// What the dialogue expects next; applies from the next utterance.
    public func expect(_ expectation: RecognitionExpectation?) {
        self.expectation = expectation
        if !inUtterance { endpoint.reset(expecting: expectation) }
    }

    /// The latest partial transcript of the current turn.
    public var currentPartial: String { lastPartial }

    public func process(_ frame: AudioFrame) async throws -> [CallEvent] {
        var out: [CallEvent] = []
        let speech = vad.isSpeech(frame)
        recent.append(frame)
        if recent.count > preRollFrames + endpoint.onsetFrames { recent.removeFirst(recent.count - preRollFrames - endpoint.onsetFrames) }
        let events = endpoint.process(frameStart: frame.timestamp, isSpeech: speech)
        var fed = false
        for e in events {
            if case .speechStarted = e, !inUtterance {
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
            case .speechStarted where inUtterance && fed == false: await recognizer.noteResumed()
            default: break
            }
            out.append(e.callEvent(callID: callID, turn: turn, speaker: speaker))
            if case let .endOfTurn(trueEnd, decidedAt, _) = e {
                out += try await finish(at: decidedAt, trueEnd: trueEnd)
            }
        }
        return out
    }

    /// Ends input: closes an open turn as if the window had expired at the last frame.
    public func flush() async throws -> [CallEvent] {
        guard inUtterance, let end = lastEnd else { return [] }
        let trueEnd = end
        let e = EndpointEvent.endOfTurn(trueEnd: trueEnd, decidedAt: end, rule: "end of input")
        endpoint.reset(expecting: expectation)
        return [e.callEvent(callID: callID, turn: turn, speaker: speaker)] + (try await finish(at: end, trueEnd: trueEnd))
    }

    private func feed(_ frame: AudioFrame) async throws -> [CallEvent] {
        lastEnd = frame.timestamp + AudioFrame.duration
        guard let p = try await recognizer.accept(frame), p.changed else { return [] }
        lastPartial = p.text
        endpoint.update(partial: p.text)
        return [CallEvent(callID: callID, turn: turn, time: p.audioTime, stage: .stt, payload: .partialTranscript(speaker: speaker, text: p.text))]
    }

    private func finish(at time: MediaTime, trueEnd: MediaTime) async throws -> [CallEvent] {
        inUtterance = false
        let result = try await recognizer.endUtterance()
        let at = stampsRecognitionWait ? time + .seconds(result.waitSeconds) : time
        let source = FinalSource(speaker: speaker, engine: result.engine, speculative: result.speculative,
                                 waitMs: (result.waitSeconds * 1000).rounded(), fallback: result.fallback)
        let events = [
            CallEvent(callID: callID, turn: turn, time: at, stage: .stt, payload: .finalSource(source)),
            CallEvent(callID: callID, turn: turn, time: at, stage: .stt,
                      payload: .finalTranscript(speaker: speaker, text: result.text, confidence: result.confidence)),
        ]
        lastResult = result
        turn += 1
        endpoint.reset(expecting: expectation)
        lastPartial = ""
        return events
    }

    /// The full result (word timings, interpretation) behind the last `finalTranscript` event.
    public private(set) var lastResult: RecognitionResult?
}
