import Foundation

/// Why the end of a caller's turn was decided when it was: which silence window ran out, or the
/// learned model's verdict. Reports and the bench group turns by it.
///
/// Encoded as the short phrase reports print (`"likely complete"`, `"smart turn 0.87"`), which is
/// also what recordings held before the rule was typed.
public enum EndOfTurnRule: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The silence window the turn policy chose ran out.
    case silence(SilenceWindow)
    /// The learned end-of-turn model judged the turn complete with this probability.
    case learnedModel(probability: Double)
    /// The input ended with the caller still in a turn.
    case endOfInput
    /// A scripted caller's turn, whose end the script knows.
    case scripted

    /// The silence windows of `TurnPolicy`: one for a fixed policy, one per judgement of the words so far.
    public enum SilenceWindow: String, Sendable, Codable, CaseIterable {
        case fixed
        case complete
        case likelyComplete = "likely complete"
        /// The words trail off ("and", "um"): the long window.
        case trailing
        /// A digit string that may go on.
        case digits
        case neutral
    }

    private static let learnedPrefix = "smart turn "

    public var description: String {
        switch self {
        case let .silence(window): return window.rawValue
        case let .learnedModel(p): return Self.learnedPrefix + String(format: "%.2f", p)
        case .endOfInput: return "end of input"
        case .scripted: return "scripted"
        }
    }

    /// The rule a phrase names (its `description`), or nil for a phrase that names none.
    public init?(phrase: String) {
        if let window = SilenceWindow(rawValue: phrase) {
            self = .silence(window)
        } else if phrase.hasPrefix(Self.learnedPrefix), let p = Double(phrase.dropFirst(Self.learnedPrefix.count)) {
            self = .learnedModel(probability: p)
        } else if phrase == "end of input" {
            self = .endOfInput
        } else if phrase == "scripted" {
            self = .scripted
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let phrase = try decoder.singleValueContainer().decode(String.self)
        guard let rule = EndOfTurnRule(phrase: phrase) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "\"\(phrase)\" is not an end-of-turn rule (one of \(SilenceWindow.allCases.map(\.rawValue).joined(separator: ", ")), \"smart turn P\", \"end of input\", \"scripted\")"))
        }
        self = rule
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
