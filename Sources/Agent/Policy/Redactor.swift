import Foundation
import Synchronization

/// Hides card numbers (Luhn-checked), US social security numbers and dates of birth in any text
/// before it reaches a transcript, a trace, the audit log or a log line.
///
/// Besides patterns, it hides values the dialogue learned are sensitive (a date of birth the caller
/// gave, in every form it was said), so a spoken "the fourth of March nineteen eighty" is caught too.
public final class Redactor: Sendable {
    public let kinds: Set<RedactionKind>
    private let secrets = Mutex<[String]>([])

    public init(kinds: [RedactionKind] = RedactionKind.allCases) {
        self.kinds = Set(kinds)
    }

    /// Adds a literal (case-insensitive) to hide from now on.
    public func addSecret(_ value: String) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 4 else { return }
        secrets.withLock { if !$0.contains(trimmed) { $0.append(trimmed) } }
    }

    public func redact(_ text: String) -> String {
        guard !kinds.isEmpty, !text.isEmpty else { return text }
        var s = text
        for secret in secrets.withLock({ $0 }).sorted(by: { $0.count > $1.count }) {
            s = s.replacingOccurrences(of: secret, with: "[redacted]", options: .caseInsensitive)
        }
        s = SpokenNumberRedaction.redact(s, cards: kinds.contains(.cardNumber), ssn: kinds.contains(.ssn))
        if kinds.contains(.cardNumber) { s = redactCards(s) }
        if kinds.contains(.ssn) { s = Redactor.replace(Redactor.ssn, in: s, with: "[ssn]") }
        if kinds.contains(.dateOfBirth) {
            for pattern in Redactor.birthDates { s = Redactor.replace(pattern, in: s, with: "[dob]") }
        }
        return s
    }

    /// Redacts every string inside a JSON value.
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(redact(s))
        case .array(let a): return .array(a.map(redact))
        case .object(let o): return .object(o.mapValues(redact))
        case .number(let n):
            let text = value.stringValue ?? String(n)
            let redacted = redact(text)
            return redacted == text ? value : .string(redacted)
        default: return value
        }
    }

    private static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    private static func replace(_ regex: NSRegularExpression?, in s: String, with replacement: String) -> String {
        guard let regex else { return s }
        return regex.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: replacement)
    }

    private static let cardCandidate = regex(#"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])"#)
    private static let ssn = regex(#"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)|(?:ssn|social security(?: number)?)(?: is)?:? ?\d{9}(?!\d)"#)
    private static let months = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    private static let birthYear = #"(?:19\d\d|20(?:0\d|1[0-2])|nineteen(?:[ -][a-z]+){1,2}|two thousand(?: and)?(?: [a-z]+)?)"#
    /// Full dates with a year a living caller could be born in (1900–2012), numeric or spoken.
    private static let birthDates: [NSRegularExpression?] = [
        regex(#"(?<!\d)(?:19\d\d|20(?:0\d|1[0-2]))-\d\d-\d\d(?!\d)"#),
        regex(#"(?<!\d)\d{1,2}[/.]\d{1,2}[/.](?:19\d\d|20(?:0\d|1[0-2]))(?!\d)"#),
        regex(#"(?:(?:the )?(?:\d{1,2}(?:st|nd|rd|th)?|[a-z]+(?:[ -][a-z]+)?) (?:of )?)?\b(?:\#(months))\b(?: (?:the )?(?:\d{1,2}(?:st|nd|rd|th)?|[a-z]+(?:[ -][a-z]+)?))?,? (?:of |in )?\#(birthYear)\b"#),
    ]

    private func redactCards(_ s: String) -> String {
        guard let regex = Redactor.cardCandidate else { return s }
        var result = s
        let matches = regex.matches(in: s, range: NSRange(s.startIndex..., in: s)).reversed()
        for match in matches {
            guard let range = Range(match.range, in: result) else { continue }
            let digits = result[range].compactMap(\.wholeNumberValue)
            if (13...19).contains(digits.count), Redactor.luhn(digits) { result.replaceSubrange(range, with: "[card]") }
        }
        return result
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }
}
