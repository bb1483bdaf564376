import Foundation

/// Who answered a caller's turn and why: the intent engine, the LLM, or the human who took over,
/// and whether the hybrid brain routed the turn there.
///
/// Encoded as `{"answerer":"llm","hybrid":true,"reason":"…"}`. Recordings written before the path was
/// typed hold it as a sentence (`"hybrid → intent-engine (…); intent-engine: goodbye"`), which decoding still reads.
public struct AnswerPath: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Who wrote the reply.
    public enum Answerer: String, Sendable, Codable, CaseIterable {
        case intentEngine = "intent-engine"
        case llm
        /// A human operator has taken the call over: the agent does not answer.
        case human = "takeover"
    }

    public var answerer: Answerer
    /// The hybrid brain chose the answerer (by the intent's confidence, a flow under way, a fallback).
    public var hybrid: Bool
    /// Why, in words (free text: redacted like speech).
    public var reason: String

    public init(_ answerer: Answerer, hybrid: Bool = false, reason: String = "") {
        self.answerer = answerer
        self.hybrid = hybrid
        self.reason = reason
    }

    public var description: String {
        let head = (hybrid ? "hybrid → " : "") + answerer.rawValue
        return reason.isEmpty ? head : "\(head): \(reason)"
    }

    /// The path a sentence of the old form names, or nil when it names no answerer.
    public init?(legacy sentence: String) {
        var rest = Substring(sentence)
        let hybrid = rest.hasPrefix("hybrid → ")
        if hybrid { rest = rest.dropFirst("hybrid → ".count) }
        let spellings: [(String, Answerer)] = [("intent-engine", .intentEngine), ("intent engine", .intentEngine), ("intent", .intentEngine),
                                               ("llm", .llm), ("takeover", .human)]
        guard let (spelling, answerer) = spellings.first(where: { rest.hasPrefix($0.0) }) else { return nil }
        rest = rest.dropFirst(spelling.count)
        if rest.hasPrefix(":") { rest = rest.dropFirst() }
        self.init(answerer, hybrid: hybrid, reason: rest.trimmingCharacters(in: .whitespaces))
    }

    private enum Field: String, CodingKey { case answerer, hybrid, reason }

    public init(from decoder: any Decoder) throws {
        if let sentence = try? decoder.singleValueContainer().decode(String.self) {
            guard let path = AnswerPath(legacy: sentence) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                    "\"\(sentence)\" names no answerer (\(Answerer.allCases.map(\.rawValue).joined(separator: ", ")))"))
            }
            self = path
            return
        }
        let c = try decoder.container(keyedBy: Field.self)
        self.init(try c.decode(Answerer.self, forKey: .answerer), hybrid: try c.decodeIfPresent(Bool.self, forKey: .hybrid) ?? false,
                  reason: try c.decodeIfPresent(String.self, forKey: .reason) ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Field.self)
        try c.encode(answerer, forKey: .answerer)
        try c.encode(hybrid, forKey: .hybrid)
        try c.encode(reason, forKey: .reason)
    }
}
