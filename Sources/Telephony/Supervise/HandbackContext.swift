import AsyncHTTPClient
import Foundation
import NIOCore
import RingsideCore
import Session

/// What a remote agent is told when the operator hands a call back to it: the human part of the
/// conversation during the takeover (the caller's and the operator's words, in order, as transcribed
/// here and already redacted by the call's bus), as plain text for a SIP MESSAGE in the agent's dialog
/// and as JSON for a webhook.
public struct HandbackContext: Sendable, Equatable {
    public struct Line: Sendable, Equatable, Codable {
        /// "caller" or "operator".
        public var speaker: String
        public var text: String
    }

    public var callID: String
    public var agentURI: String
    public var lines: [Line] = []
    /// The words of the operator's typed lines so far: heard back on the agent's side, they are not said twice.
    private var typedWords: Set<Substring> = []

    public init(callID: String, agentURI: String, lines: [Line] = []) {
        self.callID = callID
        self.agentURI = agentURI
        self.lines = lines
    }

    /// Adds what the bus said during a takeover: the caller's final transcripts, what the caller heard
    /// (the operator's voice, transcribed on the agent's side) and the operator's typed lines. The
    /// caller hears a typed line spoken, so it comes back as heard too, roughly: a heard piece most of
    /// whose words are the typed lines' is that echo, and is left out (the typed words are exact).
    public mutating func observe(_ event: CallEvent) {
        switch event.payload {
        case let .finalTranscript(.caller, text, _) where !text.isEmpty:
            lines.append(Line(speaker: "caller", text: text))
        case let .farEndHeard(text) where !text.isEmpty:
            let heard = SupervisionJournal.words(text)
            if !heard.isEmpty, heard.filter(typedWords.contains).count * 2 >= heard.count { return }
            lines.append(Line(speaker: "operator", text: text))
        case let .finalTranscript(.human, text, _) where !text.isEmpty:
            typedWords.formUnion(SupervisionJournal.words(text))
            lines.append(Line(speaker: "operator", text: text))
        default:
            break
        }
    }

    /// One line per turn, "caller: …" / "operator: …" (the MESSAGE body and the `handback` event's context).
    public var text: String { lines.map { "\($0.speaker): \($0.text)" }.joined(separator: "\n") }

    /// `text` as a MESSAGE may carry it (`MessageScreen.maxBytes`, which `ringside serve` refuses
    /// beyond): the latest lines that fit, the earliest left out (a line too long alone keeps its end).
    public var messageText: String {
        var kept: [String] = []
        var bytes = 0
        for line in lines.reversed().map({ "\($0.speaker): \($0.text)" }) {
            let size = line.utf8.count + (kept.isEmpty ? 0 : 1)
            guard bytes + size <= MessageScreen.maxBytes else {
                // (From a character's first byte: a cut character would not be UTF-8.)
                if kept.isEmpty { kept.append(String(decoding: line.utf8.suffix(MessageScreen.maxBytes).drop { $0 & 0xC0 == 0x80 }, as: UTF8.self)) }
                break
            }
            kept.append(line)
            bytes += size
        }
        return kept.reversed().joined(separator: "\n")
    }

    /// The webhook's body: `{"callID", "agentURI", "event": "handback", "context", "lines": [{"speaker", "text"}]}`.
    public var json: String {
        struct Body: Encodable {
            let event = "handback"
            let callID: String, agentURI: String, context: String
            let lines: [Line]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Body(callID: callID, agentURI: agentURI, context: text, lines: lines))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// POSTs `json` to `url`; throws a sentence naming the URL and what went wrong.
    public func post(to url: String, timeout: Double = 5) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw WebhookError(description: "handback webhook \(url): \(error)")
        }
        guard (200..<300).contains(response.status.code) else {
            throw WebhookError(description: "handback webhook \(url): HTTP \(response.status.code)")
        }
    }

    public struct WebhookError: Error, CustomStringConvertible {
        public let description: String
    }
}
