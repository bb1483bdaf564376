import Agent
import Audio
import Foundation
import RingsideCore
import Speech

/// One call Ringside sits in the middle of (`ringside supervise`): a caller bridged to a remote
/// agent. The bridge moves the audio itself; this watches it. Both sides are transcribed locally on
/// their own audio (a `RemoteCallSession` fed from taps on the bridge, so transcription never holds
/// the audio up), every turn gets the agent's voice-to-voice as the caller hears it (the caller's end
/// of speech → the first agent audio sent towards the caller), and the call is recorded like any
/// other (stereo WAV: left what the caller said, right what the caller heard; `events.jsonl`).
public final class SupervisedCall: @unchecked Sendable {
    public let bus: CallEventBus
    public let recorder: CallRecorder?
    private let session: RemoteCallSession
    private let callerTap: FrameTap
    private let heardTap: FrameTap
    /// Where the two pocketsphinx recognisers go back when the call ends (nil: they are freed).
    private var pool: RecognizerPool?
    /// The caller's side's pocketsphinx, then the agent's side's.
    private var pooled: [PocketSphinxRecognizer] = []
    /// The pool's key for supervised calls' recognisers (no agent definition adapts them).
    static let poolKey = URL(fileURLWithPath: "/ringside/supervised-call")
    /// The ears' search: at most this many HMMs and word exits per frame. They only transcribe for the
    /// board and the log, and in a bridged call both decode all the time anyone speaks (pocketsphinx
    /// was most of supervise's CPU per call); unbounded, a frame may hold tens of thousands.
    static let earSearch = ["-maxhmmpf": "3000", "-maxwpf": "10"]

    /// `recordDirectory` nil records nothing; `stt` as for other calls (nil: the preferred engine).
    /// With `pool`, the recognisers come from it and go back when the call ends: a long-running
    /// supervise then does not build (and leave to the allocator, which keeps most of it) two decoders a call.
    public static func make(callID: String, rate: SampleRate = .hz16000, recordDirectory: URL?, stt: RecognizerEngine?,
                            meta: [String: String] = [:], pool: RecognizerPool? = nil) async throws -> SupervisedCall {
        // The remote agent's policy is unknown here: every kind of personal data is redacted.
        let redactor = Redactor()
        let bus = CallEventBus(callID: callID, clock: MonotonicClock(), redact: { redactor.redact($0) }, learnSecret: { redactor.addSecret($0) })
        let recorder = try recordDirectory.map {
            try CallRecorder(directory: $0, rate: rate, meta: meta.merging(["callID": callID, "agent": "remote agent (supervised)"]) { a, _ in a },
                             redact: { redactor.redact($0) })
        }
        var pooled: [PocketSphinxRecognizer] = []
        func ears() async throws -> any SpeechRecognizer {
            var configuration = try PocketSphinxConfiguration.standard()
            configuration.extraArguments = earSearch
            let streaming = try await pool?.checkOut(agent: poolKey, search: earSearch) ?? PocketSphinxRecognizer(configuration: configuration)
            pooled.append(streaming)
            return try await RecognizerEngine.ears(streaming: streaming, engine: stt, realtime: true)
        }
        let call = SupervisedCall(bus: bus, recorder: recorder, rate: rate, callerRecognizer: try await ears(), agentRecognizer: try await ears())
        call.pool = pool
        call.pooled = pooled
        return call
    }

    private init(bus: CallEventBus, recorder: CallRecorder?, rate: SampleRate, callerRecognizer: any SpeechRecognizer, agentRecognizer: any SpeechRecognizer) {
        self.bus = bus
        self.recorder = recorder
        callerTap = FrameTap(rate: rate)
        heardTap = FrameTap(rate: rate)
        let stereo = StereoRecording(recorder: recorder)
        // The session pairs each frame the caller heard with one the caller said (it polls the caller's
        // side once per frame heard: both run at 20 ms from the same clock).
        session = RemoteCallSession(bus: bus, microphone: callerTap, speaker: stereo.heard, farEndIn: heardTap, farEndOut: stereo.said,
                                    callerRecognizer: callerRecognizer, agentRecognizer: agentRecognizer, vad: { EnergyVAD() })
        if let recorder { bus.observe(name: "recorder") { recorder.observe($0) } }
    }

    /// A frame the caller said, as it is passed to the agent (called on the bridge's thread; never waits).
    public func callerSaid(_ frame: AudioFrame) { callerTap.push(restamped(frame)) }

    /// A frame on its way to the caller (the agent's, or the operator's during a takeover).
    public func callerHears(_ frame: AudioFrame) { heardTap.push(restamped(frame)) }

    /// Hears each side as its leg carries it, from now on: a G.711 leg (`narrowband`) is telephone band
    /// even upsampled to the bridge's 16 kHz, and pocketsphinx (alone, or streaming under Whisper)
    /// restores its missing top octave; without that, the generic model heard an agent's greeting
    /// through a PCMU leg as "hm what on the apart and one hit should". Whisper's finals take the
    /// 16 kHz audio as it is (it was trained on telephone speech too). Call once both legs' codecs are agreed.
    public func hearLegs(callerNarrowband: Bool, agentNarrowband: Bool) {
        for (recognizer, narrowband) in zip(pooled, [callerNarrowband, agentNarrowband]) { recognizer.hearTelephoneBand(narrowband) }
    }

    /// Frames of either side the watchers fell too far behind to see.
    public var droppedFrames: Int { callerTap.dropped + heardTap.dropped }

    /// The two legs' frames come from their own RTP sessions, each with its own timeline: both are put
    /// on the call's clock as they pass, so the caller's end of speech and the agent's reply compare.
    private func restamped(_ frame: AudioFrame) -> AudioFrame {
        AudioFrame(rate: frame.rate, samples: frame.samples, timestamp: bus.clock.now())
    }

    /// Runs until `end` (or the taps finish); closes the recording; returns why the call ended.
    public func run(transport: String) async -> String {
        let reason = await session.run(transport: transport)
        recorder?.close()
        if let pool {
            // Two calls' worth kept idle: a burst of calls does not keep its decoders for ever.
            for recognizer in pooled { await pool.checkIn(recognizer, agent: Self.poolKey, keepAtMost: 4) }
        }
        return reason
    }

    /// Ends the watching: the session records `callEnded(reason)` and stops.
    public func end(reason: String) {
        session.send(.endCall(farewell: nil, reason: reason))
        // One more frame wakes a session waiting for audio, so it reads the command before the end of input.
        heardTap.push(.silence(rate: heardTap.rate, at: bus.clock.now()))
        heardTap.finish()
        callerTap.finish()
    }

    /// Pairs the caller's frame with the frame they heard in the same tick for the stereo recording:
    /// the session writes what the caller said, then what they heard, once per tick.
    private final class StereoRecording: @unchecked Sendable {
        let recorder: CallRecorder?
        private let pending = LockedValue<AudioFrame?>(nil)
        init(recorder: CallRecorder?) { self.recorder = recorder }

        var said: any AudioSink { Channel { [self] frame in pending.withLock { $0 = frame } } }
        var heard: any AudioSink {
            Channel { [self] frame in
                let caller = pending.withLock { p -> AudioFrame? in defer { p = nil }; return p }
                // The audio starts when the legs are bridged, the events when the call rang: silence
                // before the first frame keeps the WAV on the events' timeline (replay plays both).
                if !padded.withLock({ p in defer { p = true }; return p }) {
                    let ticks = Int(frame.timestamp.nanoseconds / AudioFrame.duration.nanoseconds)
                    for _ in 0..<max(0, ticks) { recorder?.record(caller: nil, agent: nil) }
                }
                recorder?.record(caller: caller, agent: frame)
            }
        }
        private let padded = LockedValue(false)

        final class Channel: AudioSink, @unchecked Sendable {
            let take: @Sendable (AudioFrame) -> Void
            init(_ take: @escaping @Sendable (AudioFrame) -> Void) { self.take = take }
            var rate: SampleRate { .hz16000 }
            func write(_ frame: AudioFrame) throws { take(frame) }
            func close() throws {}
        }
    }
}
