import RingsideCore

/// One line of the conversation as the transcript pane shows it.
public struct TranscriptLine: Sendable, Equatable {
    /// What sort of line this is.
    public enum Kind: Sendable, Equatable {
        /// A caller's words still being recognised; replaced by the final transcript.
        case partial
        /// Recognised or spoken words that will not change (except by a barge-in cut).
        case final
        /// A fact about the call rather than speech (DTMF, takeover, escalation, errors).
        case note
    }

    public var speaker: Speaker?
    public var text: String
    public var kind: Kind
    public var turn: Int
    public var time: MediaTime
    /// For agent lines cut off by a barge-in: how many characters of `text` the caller heard.
    public var heardCount: Int?

    public init(speaker: Speaker?, text: String, kind: Kind, turn: Int, time: MediaTime, heardCount: Int? = nil) {
        self.speaker = speaker
        self.text = text
        self.kind = kind
        self.turn = turn
        self.time = time
        self.heardCount = heardCount
    }

    /// Whether the caller spoke over this line before it finished.
    public var isCutOff: Bool { heardCount != nil }

    /// The part the caller heard (all of it unless cut off).
    public var heardText: String { String(text.prefix(heardCount ?? text.count)) }

    /// The part that was never played because of a barge-in.
    public var unheardText: String { String(text.dropFirst(heardCount ?? text.count)) }
}
