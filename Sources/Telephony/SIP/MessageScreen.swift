import Foundation

/// What Ringside takes in a SIP MESSAGE (RFC 3428): plain text in UTF-8, not empty, at most
/// `maxBytes` (a handback's context is a few lines a turn; 16 KiB is a quarter of an hour of talk).
/// Anything else is refused with the status RFC 3428 and RFC 3261 give for it, and a problem in words
/// for the sender (a `Warning` header) and for the log.
public enum MessageScreen {
    public static let maxBytes = 16 * 1024

    /// Text outside a call's dialog (pager mode): nothing would read it, so it is refused (403) rather
    /// than taken with a 200 and dropped.
    public static let outsideACall = Refusal(status: 403, problem: "text is taken only in a call's dialog")

    /// Why a MESSAGE was not taken: the status it is answered with, the problem in words, and the
    /// response's extra header lines (CRLF-separated).
    public struct Refusal: Sendable, Equatable, Error {
        public var status: Int
        public var problem: String

        var headers: String {
            let warning = "Warning: 399 ringside \"\(problem.replacingOccurrences(of: "\"", with: "'"))\""
            return status == 415 ? "Accept: text/plain\r\n" + warning : warning
        }
    }

    /// The body's text, or why it is refused. `contentType` is the type without parameters ("" when
    /// the header is missing); `parameters` its parameters, ';'-joined ("charset=UTF-8").
    public static func text(contentType: String, parameters: String, body: [UInt8]) -> Result<String, Refusal> {
        if body.isEmpty { return .failure(Refusal(status: 400, problem: "the MESSAGE has no body")) }
        if body.count > maxBytes {
            return .failure(Refusal(status: 413, problem: "the body is \(body.count) bytes, more than the \(maxBytes) taken"))
        }
        let type = contentType.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "text/plain" else {
            return .failure(Refusal(status: 415, problem: type.isEmpty ? "the MESSAGE has no Content-Type; text/plain is taken"
                                                                       : "content type \(type) is not taken; text/plain is"))
        }
        for parameter in parameters.split(separator: ";") {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard pair.count == 2, pair[0] == "charset" else { continue }
            let charset = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard ["utf-8", "utf8", "us-ascii"].contains(charset) else {
                return .failure(Refusal(status: 415, problem: "charset \(charset) is not taken; UTF-8 is"))
            }
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            return .failure(Refusal(status: 400, problem: "the body is not valid UTF-8 text"))
        }
        if let offset = body.firstIndex(where: { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }) {
            return .failure(Refusal(status: 400, problem: String(format: "the body is not text: control byte 0x%02X at byte %d", body[offset], offset + 1)))
        }
        return .success(text)
    }
}
