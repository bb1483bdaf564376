import Audio
import Foundation
import RingsideCore
import Speech

/// A call to an agent on the far end (over SIP), as a composition of two stages: the caller's side
/// (a live user's listener, or a scripted caller that knows what it said) and the far end's ear
/// (`FarEndEar`). Each far-end frame paces one tick: the caller's frame goes to the far end, the
/// far end's plays on the speaker, and both stages hear theirs. Voice-to-voice is measured as the
/// caller hears it: the caller's true end of speech → the first agent audio that arrives.
public final class RemoteCallSession: @unchecked Sendable {
    public let bus: CallEventBus
    private let microphone: any AudioSource
    private let speaker: any AudioSink
    private let farEndIn: any AudioSource
    private let farEndOut: any AudioSink
    private let caller: any CallStage
    private let farEnd: FarEndEar
    private let pace: VirtualClock?
    private let farEndEnded: @Sendable () -> String?
    private let commands = LockedValue<[SessionCommand]>([])
    private var muted = false

    /// `microphone`: a live one is polled (silence while it has nothing); any other source is the
    /// caller itself, and the call ends when it does. `pace`: the call's own media time, advanced
    /// 20 ms per far-end frame and stamped on both sides' frames (nil: frames keep their own stamps).
    /// `farEndEnded`: why the far end ended the call, once it has (asked every frame).
    public init(bus: CallEventBus, microphone: any AudioSource, speaker: any AudioSink, farEndIn: any AudioSource, farEndOut: any AudioSink,
                caller: any CallStage, farEnd: FarEndEar, pace: VirtualClock? = nil, farEndEnded: @escaping @Sendable () -> String? = { nil }) {
        self.bus = bus
        self.microphone = microphone
        self.speaker = speaker
        self.farEndIn = farEndIn
        self.farEndOut = farEndOut
        self.caller = caller
        self.farEnd = farEnd
        self.pace = pace
        self.farEndEnded = farEndEnded
    }

    /// A live user's call: both sides heard through listeners built from `recognizers` and `vad`.
    public convenience init(bus: CallEventBus, microphone: any AudioSource, speaker: any AudioSink, farEndIn: any AudioSource, farEndOut: any AudioSink,
                            callerRecognizer: any SpeechRecognizer, agentRecognizer: any SpeechRecognizer, vad: VADFactory) {
        let callerListener = SpeechListener(recognizer: callerRecognizer, vad: vad(), callID: bus.callID, speaker: .caller)
        let agentListener = SpeechListener(recognizer: agentRecognizer, vad: vad(), callID: bus.callID, speaker: .agent, firstTurn: 0)
        // A live call: each final is worked out off the tick and stamped when it was ready. The far
        // end's frames pace the tick: one that waited for a final (Whisper's, 0.2–0.5 s) would hold
        // the agent's voice back from the speaker by as much.
        for listener in [callerListener, agentListener] {
            listener.stampsRecognitionWait = true
            listener.awaitsFinal = false
        }
        self.init(bus: bus, microphone: microphone, speaker: speaker, farEndIn: farEndIn, farEndOut: farEndOut,
                  caller: callerListener, farEnd: FarEndEar(callID: bus.callID, .words(agentListener)))
    }

    public func send(_ command: SessionCommand) { commands.withLock { $0.append(command) } }

    /// Runs until either side stops or the user hangs up; returns why.
    public func run(agent: String = "remote agent", transport: String) async -> String {
        bus.emit(.session, .callStarted(agent: agent, transport: transport))
        var reason = "the far end hung up"
        loop: while true {
            for command in commands.withLock({ c -> [SessionCommand] in defer { c = [] }; return c }) {
                switch command {
                case .hangUp: reason = "hung up by the user"; break loop
                case let .endCall(_, why): reason = why; break loop
                case let .setMuted(m): muted = m
                case .toggleMute: muted.toggle()
                default: break
                }
            }
            let incoming: AudioFrame?
            do {
                incoming = try await farEndIn.nextFrameAsync()
            } catch {
                reason = "\(error)"
                break
            }
            guard let received = incoming else { reason = farEndEnded() ?? reason; break }
            if let ended = farEndEnded() { reason = ended; break }
            pace?.advance(by: AudioFrame.duration)
            let now = pace?.now() ?? received.timestamp
            let agentFrame = AudioFrame(rate: received.rate, samples: received.samples, timestamp: now)
            let said: AudioFrame?
            if microphone.isLive {
                said = (try? microphone.pollFrame()) ?? nil
            } else {
                do {
                    guard let next = try microphone.nextFrame() else { reason = "the caller hung up"; break }
                    said = next
                } catch {
                    reason = "the caller's audio failed: \(error)"
                    break
                }
            }
            let callerFrame = (muted ? nil : said).map { AudioFrame(rate: $0.rate, samples: $0.samples, timestamp: now) }
                ?? AudioFrame.silence(rate: microphone.rate, at: now)
            try? farEndOut.write(callerFrame)
            try? speaker.write(agentFrame)
            do {
                for e in try await caller.process(callerFrame) {
                    bus.publish(e)
                    farEnd.observe(e)
                }
                for e in try await farEnd.process(agentFrame) { bus.publish(e) }
            } catch {
                bus.emit(.stt, .error("local transcription failed: \(error)"))
            }
        }
        do {
            for e in try await caller.finish() { bus.publish(e) }
            for e in try await farEnd.finish() { bus.publish(e) }
        } catch {
            bus.emit(.stt, .error("local transcription failed: \(error)"))
        }
        bus.emit(.session, .callEnded(reason: reason))
        bus.finish()
        await bus.drain()
        return reason
    }
}
