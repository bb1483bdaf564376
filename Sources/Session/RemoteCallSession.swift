import Audio
import Foundation
import RingsideCore
import Speech

/// A call to a remote agent (over SIP): the user's microphone goes to the far end, the far end's
/// audio plays on the speaker, and both sides are transcribed locally. Voice-to-voice is measured as
/// the caller hears it: the caller's true end of speech → the first agent audio that arrives.
public final class RemoteCallSession: @unchecked Sendable {
    public let bus: CallEventBus
    private let microphone: any AudioSource
    private let speaker: any AudioSink
    private let farEndIn: any AudioSource
    private let farEndOut: any AudioSink
    private let callerListener: SpeechListener
    private let agentListener: SpeechListener
    private let commands = LockedValue<[SessionCommand]>([])
    private var muted = false
    private var awaitingReplyTurn: Int?

    public init(bus: CallEventBus, microphone: any AudioSource, speaker: any AudioSink, farEndIn: any AudioSource, farEndOut: any AudioSink,
                callerRecognizer: any SpeechRecognizer, agentRecognizer: any SpeechRecognizer) {
        self.bus = bus
        self.microphone = microphone
        self.speaker = speaker
        self.farEndIn = farEndIn
        self.farEndOut = farEndOut
        callerListener = SpeechListener(recognizer: callerRecognizer, vad: EnergyVAD(), callID: bus.callID, speaker: .caller)
        agentListener = SpeechListener(recognizer: agentRecognizer, vad: EnergyVAD(), callID: bus.callID, speaker: .agent, firstTurn: 0)
        // A live call: each final is stamped when it was ready.
        callerListener.stampsRecognitionWait = true
        agentListener.stampsRecognitionWait = true
    }

    public func send(_ command: SessionCommand) { commands.withLock { $0.append(command) } }

    /// Runs until either side stops or the user hangs up; returns why.
    public func run(transport: String) async -> String {
        bus.emit(.session, .callStarted(agent: "remote agent", transport: transport))
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
            guard let agentFrame = incoming else { break }
            let mic = (try? microphone.pollFrame()) ?? nil
            let callerFrame = muted || mic == nil ? AudioFrame.silence(rate: agentFrame.rate, at: agentFrame.timestamp)
                : AudioFrame(rate: agentFrame.rate, samples: mic?.samples ?? [], timestamp: agentFrame.timestamp)
            try? farEndOut.write(callerFrame)
            try? speaker.write(agentFrame)
            do {
                for e in try await callerListener.process(callerFrame) {
                    bus.emit(e.stage, e.payload, at: e.time, turn: e.turn)
                    if case .endOfTurn = e.payload { awaitingReplyTurn = e.turn }
                }
                for e in try await agentListener.process(agentFrame) {
                    // When the agent speaks (for silence and barge-in measures), on the caller's turn count.
                    switch e.payload {
                    case .speechStarted(.agent), .speechStopped(.agent, _): bus.emit(e.stage, e.payload, at: e.time, turn: callerListener.turn)
                    default: break
                    }
                    // The agent's first audio after the caller's turn is where the caller hears the reply.
                    if case .speechStarted = e.payload, let turn = awaitingReplyTurn {
                        bus.emit(.playout, .playoutStarted, at: e.time, turn: turn)
                        awaitingReplyTurn = nil
                    }
                    if case let .finalTranscript(_, text, _) = e.payload, !text.isEmpty {
                        bus.emit(.stt, .farEndHeard(text: text), at: e.time, turn: max(0, callerListener.turn - 1))
                    }
                }
            } catch {
                bus.emit(.stt, .error("local transcription failed: \(error)"))
            }
        }
        bus.emit(.session, .callEnded(reason: reason))
        bus.finish()
        await bus.drain()
        return reason
    }
}
