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
/// - `rtp`: `{"call","kind":"rtp","t","leg":"caller"|"agent","direction":"in"|"out","codec","packets","lost",
///   "jitterMs","rttMs"?,"mos"?}`: each leg's quality, every two seconds
/// - `deadAir`: `{"call","kind":"deadAir","turn","t","deadAirMs"}`: after the caller's turn ended, how long
///   neither side spoke (its end of turn → the next speech from either side), when someone speaks again
/// - `bargeIn`: `{"call","kind":"bargeIn","turn","t","yieldMs"}`: the caller spoke over the agent, and the
///   agent stopped `yieldMs` after the caller started
/// - `alert`: `{"call","kind":"alert","speaker"?,"turn"?,"t","rule"}`: a transcript held one of the
///   alert phrases (`--alert`), whole words, case and punctuation aside (it follows that transcript's
///   line); or a rule of `AlertRules` was broken: "silence > N s" (neither side spoke for that long; after
///   a caller's turn the alert carries that turn and its dead air so far, `deadAirMs`),
///   "v2v > N ms" (it follows the turn's line), "mos < X" (on a leg and direction, once until it recovers).
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
        public var leg: String?
        public var direction: String?
        public var codec: String?
        public var packets: Int?
        public var lost: Int?
        public var jitterMs: Double?
        public var rttMs: Double?
        public var mos: Double?
        public var yieldMs: Int?
        public var deadAirMs: Int?
    }

    /// Alerts on measures rather than words (nil: not watched).
    public struct AlertRules: Sendable, Equatable {
        /// Neither side speaking for longer than this, seconds.
        public var silenceSeconds: Double?
        /// The agent's voice-to-voice above this, ms.
        public var v2vMs: Double?
        /// A leg's MOS estimate below this.
        public var mos: Double?

        public init(silenceSeconds: Double? = nil, v2vMs: Double? = nil, mos: Double? = nil) {
            self.silenceSeconds = silenceSeconds
            self.v2vMs = v2vMs
            self.mos = mos
        }
    }

    private var turns: [Int: TurnLatency] = [:]
    private let encoder: JSONEncoder
    /// Alert phrases as they were given, with their words.
    private let alerts: [(phrase: String, words: [Substring])]
    private let rules: AlertRules
    /// Who is speaking now, and when someone last started or stopped (for the silence rule).
    private var speaking: Set<Speaker> = []
    private var lastSpoke: Double?
    private var silenceAlerted = false
    /// The caller's turn that ended with nobody speaking, and when it ended (until someone speaks).
    private var deadAir: (turn: Int, since: Double)?
    /// When the caller started speaking over the agent (until the agent stops).
    private var bargedInAt: Double?
    /// Legs and directions whose MOS is below the rule now (alerted once until they recover).
    private var poorQuality: Set<String> = []

    public init(alertPhrases: [String] = [], rules: AlertRules = AlertRules()) {
        self.rules = rules
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        alerts = alertPhrases.map { ($0, Self.words($0)) }.filter { !$0.1.isEmpty }
    }

    /// Lower-case words, punctuation dropped.
    public static func words(_ text: String) -> [Substring] {
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

    /// Every line for `event`: its own (if any), then an alert line for each alert phrase a transcript
    /// raised and each rule the event shows broken.
    public mutating func lines(for event: CallEvent) -> [Line] {
        let silence = silenceAlert(at: event) + bargeIn(at: event)
        guard let line = line(for: event) else { return silence }
        func alert(_ rule: String) -> Line { Line(call: line.call, kind: "alert", t: line.t, speaker: line.speaker, turn: line.turn, rule: rule) }
        var alerts = silence
        switch line.kind {
        case "transcript":
            alerts += alertsRaised(by: line.text ?? "").map(alert)
        case "turn":
            if let limit = rules.v2vMs, let v2v = line.v2vMs, Double(v2v) > limit { alerts.append(alert("v2v > \(Self.figure(limit)) ms")) }
        case "rtp":
            guard let limit = rules.mos, let mos = line.mos else { break }
            let key = "\(line.leg ?? "") \(line.direction ?? "")"
            if mos < limit {
                if poorQuality.insert(key).inserted {
                    var quality = alert("mos < \(Self.figure(limit))")
                    quality.leg = line.leg; quality.direction = line.direction; quality.mos = mos
                    alerts.append(quality)
                }
            } else {
                poorQuality.remove(key)
            }
        default:
            break
        }
        return [line] + alerts
    }

    /// The silence rule: an alert once neither side has spoken for longer than the rule allows (checked
    /// at each event; the legs' quality comes every two seconds, so a silent call still has events);
    /// and each caller turn's dead air, once someone speaks after it.
    private mutating func silenceAlert(at event: CallEvent) -> [Line] {
        let t = event.time.seconds
        var lines: [Line] = []
        switch event.payload {
        case let .speechStarted(speaker):
            speaking.insert(speaker); lastSpoke = t; silenceAlerted = false
            if let gap = deadAir {
                var line = Line(call: event.callID, kind: "deadAir", t: (t * 1000).rounded() / 1000, turn: gap.turn)
                line.deadAirMs = Int(((t - gap.since) * 1000).rounded())
                lines.append(line)
                deadAir = nil
            }
        case let .speechStopped(speaker, _):
            speaking.remove(speaker); lastSpoke = t; silenceAlerted = false
        case let .endOfTurn(trueEnd, _) where speaking.isEmpty:
            deadAir = (event.turn, trueEnd.seconds)
        default:
            break
        }
        if lastSpoke == nil { lastSpoke = t }
        guard let limit = rules.silenceSeconds, speaking.isEmpty, !silenceAlerted, let since = lastSpoke, t - since > limit else { return lines }
        silenceAlerted = true
        var alert = Line(call: event.callID, kind: "alert", t: (t * 1000).rounded() / 1000, rule: "silence > \(Self.figure(limit)) s")
        if let gap = deadAir {
            alert.turn = gap.turn
            alert.deadAirMs = Int(((t - gap.since) * 1000).rounded())
        }
        return lines + [alert]
    }

    /// A barge-in line when the agent stops after the caller started speaking over it (called after
    /// `silenceAlert`, which keeps who is speaking).
    private mutating func bargeIn(at event: CallEvent) -> [Line] {
        let t = event.time.seconds
        switch event.payload {
        case .speechStarted(.caller) where speaking.contains(.agent):
            if bargedInAt == nil { bargedInAt = t }
        case .speechStopped(.agent, _):
            guard let since = bargedInAt else { return [] }
            bargedInAt = nil
            var line = Line(call: event.callID, kind: "bargeIn", t: (t * 1000).rounded() / 1000)
            line.turn = event.turn
            line.yieldMs = Int(((t - since) * 1000).rounded())
            return [line]
        default:
            break
        }
        return []
    }

    /// A rule's figure as given: "2", "2.5".
    private static func figure(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
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
        case let .rtpStats(stats):
            line.kind = "rtp"; line.leg = stats.leg; line.direction = stats.direction.rawValue; line.codec = stats.codec
            line.packets = stats.packets; line.lost = stats.lost; line.jitterMs = (stats.jitterMs * 10).rounded() / 10
            line.rttMs = stats.rttMs.map { ($0 * 10).rounded() / 10 }; line.mos = stats.mos.map { ($0 * 100).rounded() / 100 }
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
