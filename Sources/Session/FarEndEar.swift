import Audio
import RingsideCore
import Speech

/// The far side of a call as this side hears it: when its voice starts (`playoutStarted`, where a
/// caller's voice-to-voice ends) and when it has finished speaking (`playoutFinished`), and — when
/// it has a listener — its words (`farEndHeard`) and its voice activity. One rule for every call
/// that hears an agent from outside: a remote agent over SIP, a scenario run against one, the
/// embedded agent's sound in a PulseAudio loop.
///
/// It observes the caller's turns (`endOfTurn`), so the first sound after one is that turn's reply.
/// Owned by the one task or thread that feeds it.
public final class FarEndEar: CallStage, @unchecked Sendable {
    /// How the ear tells the far end's voice.
    public enum Hearing {
        /// Through a listener (VAD, endpointing and a recogniser): its words are heard too, and it has
        /// finished only once they are in.
        case words(SpeechListener)
        /// By the sound alone (a clean loop, whose silence is digital zero): never waits.
        case sound(voiced: @Sendable (AudioFrame) -> Bool)
    }

    /// Quiet this long after its last sound, the far end has finished speaking. Longer than the pauses
    /// within one reply (at most 360 ms between the sentences of a synthesised reply, flite and
    /// espeak-ng measured) plus what a network adds to them (a jitter-buffer stall, a far agent's TTS
    /// running late): 700 ms was too short over SIP, where a caller then spoke into the gap between
    /// an agent's disclosure and its greeting. It only paces a simulated caller's next turn; it never
    /// enters a voice-to-voice figure, which ends at the reply's first sound.
    public static let finishedAfter = MediaTime.milliseconds(1000)

    private let callID: String
    private let hearing: Hearing
    /// The caller's last turn that ended, and the one still waiting for its reply.
    private var callerTurn = 0
    private var awaitingReply: Int?
    private var speaking = false
    /// Speech heard whose words are not in yet.
    private var wordsPending = false
    private var lastSound = MediaTime.zero

    public init(callID: String, _ hearing: Hearing) {
        self.callID = callID
        self.hearing = hearing
    }

    public func observe(_ event: CallEvent) {
        if case .endOfTurn = event.payload {
            callerTurn = event.turn
            awaitingReply = event.turn
        }
    }

    public func process(_ frame: AudioFrame) async throws -> [CallEvent] {
        switch hearing {
        case let .words(listener):
            var out: [CallEvent] = []
            for e in try await listener.process(frame) { out += heard(e) }
            return out + finished(by: frame)
        case .sound: return hear(frame)
        }
    }

    /// An ear of `.sound` hears a frame without waiting (from a monitor's thread); one of `.words`
    /// must be fed through `process`.
    public func hear(_ frame: AudioFrame) -> [CallEvent] {
        guard case let .sound(voiced) = hearing else { preconditionFailure("an ear that hears words is fed through process(_:)") }
        var out: [CallEvent] = []
        if voiced(frame) {
            out += started(at: frame.timestamp)
            lastSound = frame.timestamp + AudioFrame.duration
        }
        return out + finished(by: frame)
    }

    public func finish() async throws -> [CallEvent] {
        guard case let .words(listener) = hearing else { return [] }
        return try await listener.flush().flatMap(heard)
    }

    /// A listener's event, as what the far end did on the caller's timeline.
    private func heard(_ e: CallEvent) -> [CallEvent] {
        switch e.payload {
        case .speechStarted:
            wordsPending = true
            // Its voice activity counts on the caller's open turn (for overlap and barge-in measures).
            return started(at: e.time) + [event(e.stage, e.payload, at: e.time, turn: callerTurn + 1)]
        case let .speechStopped(_, trueEnd):
            lastSound = trueEnd
            return [event(e.stage, e.payload, at: e.time, turn: callerTurn + 1)]
        case let .endOfTurn(trueEnd, _):
            lastSound = trueEnd
            return []
        case let .finalTranscript(_, text, _):
            wordsPending = false
            return text.isEmpty ? [] : [event(.stt, .farEndHeard(text: text), at: e.time, turn: callerTurn)]
        default: return []
        }
    }

    private func started(at time: MediaTime) -> [CallEvent] {
        guard !speaking else { return [] }
        speaking = true
        defer { awaitingReply = nil }
        return [event(.playout, .playoutStarted, at: time, turn: awaitingReply ?? callerTurn)]
    }

    /// Quiet long enough after `frame`, with its words in: the far end has finished.
    private func finished(by frame: AudioFrame) -> [CallEvent] {
        guard speaking, !wordsPending, frame.timestamp + AudioFrame.duration - lastSound >= Self.finishedAfter else { return [] }
        speaking = false
        return [event(.playout, .playoutFinished(heardFraction: 1), at: lastSound, turn: callerTurn)]
    }

    private func event(_ stage: Stage, _ payload: CallEventPayload, at time: MediaTime, turn: Int) -> CallEvent {
        CallEvent(callID: callID, turn: turn, time: time, stage: stage, payload: payload)
    }
}
