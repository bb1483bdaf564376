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
/// - `alert`: `{"call","kind":"alert","speaker","turn","t","rule"}`: a transcript held one of the
///   alert phrases (`--alert`), whole words, case and punctuation aside; it follows that transcript's line.
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
        public var rule: String?
    }

    private var turns: [Int: TurnLatency] = [:]
    private let encoder: JSONEncoder
    /// Alert phrases as they were given, with their words.
    private let alerts: [(phrase: String, words: [Substring])]

    public init(alertPhrases: [String] = []) {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        alerts = alertPhrases.map { ($0, Self.words($0)) }.filter { !$0.1.isEmpty }
    }

    /// Lower-case words, punctuation dropped.
    static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }
    }

    /// The alert phrases `text` holds as whole words.
    public func alertsRaised(by text: String) -> [String] {
        let said = Self.words(text)
        return alerts.filter { alert in
            said.count >= alert.words.count && (0...(said.count - alert.words.count)).contains { i in
                said[i..<(i + alert.words.count)].elementsEqual(alert.words)
            }
        }.map(\.phrase)
    }

    /// Every line for `event`: its own (if any), then an alert line for each alert phrase a transcript raised.
    public mutating func lines(for event: CallEvent) -> [Line] {
        guard let line = line(for: event) else { return [] }
        guard line.kind == "transcript", let text = line.text else { return [line] }
        return [line] + alertsRaised(by: text).map { phrase in
            Line(call: line.call, kind: "alert", t: line.t, speaker: line.speaker, turn: line.turn, rule: phrase)
        }
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
        case let .finalTranscript(.human, text, _) where !text.isEmpty:
            line.kind = "transcript"; line.speaker = "operator"; line.turn = event.turn; line.text = text
        case let .farEndHeard(text):
            line.kind = "transcript"; line.speaker = "agent"; line.turn = event.turn; line.text = text
        case .playoutStarted:
            guard let v2v = latency.voiceToVoiceMs else { return nil }
            line.kind = "turn"; line.turn = event.turn; line.v2vMs = Int(v2v.rounded())
        case let .sipState(state):
            line.kind = "sip"; line.state = state.description
        case .takeover:
            line.kind = "takeover"
        case let .handback(context):
            line.kind = "handback"; line.text = context.isEmpty ? nil : context
        case let .escalated(summary, target):
            line.kind = "escalated"; line.text = summary; line.reason = target
        case let .dtmf(digit):
            line.kind = "dtmf"; line.digit = digit
        case let .error(text):
            line.kind = "error"; line.text = text
        default:
            return nil
        }
        return line
    }

    /// `lines(for:)` as lines of JSON text.
    public mutating func texts(for event: CallEvent) -> [String] {
        lines(for: event).compactMap { line in (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } }
    }
}
