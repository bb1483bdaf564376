import Foundation
import RingsideCore

/// The headless log of a supervised call (`ringside supervise --headless`): one JSON object a line for
/// each thing a person watching would want to see, folded from the call's events. Kinds:
///
/// - `call`: `{"call","kind":"call","event":"started"|"ended","t","reason"?}`
/// - `transcript`: `{"call","kind":"transcript","speaker":"caller"|"agent","turn","t","text"}`
/// - `turn`: `{"call","kind":"turn","turn","t","v2vMs"}`: the agent's voice-to-voice as the caller
///   heard it (the caller's end of speech → the first agent audio sent towards the caller)
/// - `sip`: `{"call","kind":"sip","t","state"}`; `takeover` / `handback`: `{"call","kind","t"}`;
///   `dtmf`: `{"call","kind":"dtmf","t","digit"}`; `error`: `{"call","kind":"error","t","text"}`
///
/// Texts are the call's (already redacted) event texts.
public struct SupervisionJournal: Sendable {
    /// One line's fields (absent ones are left out).
    public struct Line: Codable, Sendable, Equatable {
        public var call: String
        public var kind: String
        public var t: Double
        public var event: String?
        public var reason: String?
        public var speaker: String?
        public var turn: Int?
        public var text: String?
        public var v2vMs: Int?
        public var state: String?
        public var digit: String?
    }

    private var turns: [Int: TurnLatency] = [:]
    private let encoder: JSONEncoder

    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// The line for `event`, if it is one worth a line.
    public mutating func line(for event: CallEvent) -> Line? {
        var latency = turns[event.turn] ?? TurnLatency(turn: event.turn)
        latency.record(event)
        turns[event.turn] = latency
        var line = Line(call: event.callID, kind: "", t: (event.time.seconds * 1000).rounded() / 1000)
        switch event.payload {
        case .callStarted:
            line.kind = "call"; line.event = "started"
        case let .callEnded(reason):
            line.kind = "call"; line.event = "ended"; line.reason = reason
        case let .finalTranscript(.caller, text, _) where !text.isEmpty:
            line.kind = "transcript"; line.speaker = "caller"; line.turn = event.turn; line.text = text
        case let .farEndHeard(text):
            line.kind = "transcript"; line.speaker = "agent"; line.turn = event.turn; line.text = text
        case .playoutStarted:
            guard let v2v = latency.voiceToVoiceMs else { return nil }
            line.kind = "turn"; line.turn = event.turn; line.v2vMs = Int(v2v.rounded())
        case let .sipState(state):
            line.kind = "sip"; line.state = state.description
        case .takeover:
            line.kind = "takeover"
        case .handback:
            line.kind = "handback"
        case let .dtmf(digit):
            line.kind = "dtmf"; line.digit = digit
        case let .error(text):
            line.kind = "error"; line.text = text
        default:
            return nil
        }
        return line
    }

    /// `line(for:)` as one line of JSON text.
    public mutating func text(for event: CallEvent) -> String? {
        guard let line = line(for: event), let data = try? encoder.encode(line) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
