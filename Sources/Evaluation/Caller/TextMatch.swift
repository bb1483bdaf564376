import Foundation
import Speech

/// Case-insensitive regular-expression matching of what was said, shared by reactive turns and grading.
enum TextMatch {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// `matches`, or — for a pattern of plain words, numbers and times (alternatives split by `|`) —
    /// one of its alternatives said in `text` once both are in spoken words: how an agent's words are
    /// graded when they were heard, not read. "2 pm" is said "two pm", heard "two pm" (or "to pm":
    /// before a clock word the homophone is the hour); "3:30" is "three thirty".
    static func saidMatches(_ pattern: String, _ text: String) -> Bool {
        if matches(pattern, text) { return true }
        let plain = pattern.allSatisfy { $0.isLetter || $0.isNumber || " :'.|-".contains($0) }
        guard plain, pattern.contains(where: \.isNumber) || text.contains(where: \.isNumber) else { return false }
        let said = " " + WhisperText.spoken(text) + " "
        return pattern.split(separator: "|").contains { alternative in
            let words = WhisperText.spoken(String(alternative))
            return !words.isEmpty && said.contains(" " + words + " ")
        }
    }

    /// `matches`, or — for a plain-words pattern of two or more words — all but one of its words
    /// heard in order, the last one (the key word: "birth", "name", "book") always among them: how a
    /// caller hears a prompt through a recogniser ("and your day of birth" is still the date-of-birth
    /// question, "didn't catch the date" is not "didn't catch the name"). Only for when a remote caller speaks.
    static func roughlyMatches(_ pattern: String, _ text: String) -> Bool {
        if matches(pattern, text) { return true }
        let words = pattern.lowercased().split(separator: " ").map(String.init)
        guard words.count >= 2, words.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "'" } }) else { return false }
        var heard = text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" }).map(String.init)[...]
        var found = 0
        var lastFound = false
        for word in words {
            lastFound = false
            if let i = heard.firstIndex(of: word) {
                found += 1
                lastFound = true
                heard = heard[(i + 1)...]
            }
        }
        return lastFound && found >= words.count - 1
    }
}
