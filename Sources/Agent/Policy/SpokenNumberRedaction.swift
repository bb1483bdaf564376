import Foundation

/// Card numbers and social security numbers read out digit by digit, as a recogniser writes them
/// ("four one one one …"), which the numeric patterns of `Redactor` cannot see.
///
/// A run of 13 or more spoken digits is taken for a card number (recognition errors make a Luhn
/// check useless on words). After a cue ("card", "visa", "social security", "ssn") shorter runs are
/// hidden too, so a partial transcript caught half-way through the number leaks at most a few digits.
enum SpokenNumberRedaction {
    static let digitWords: [String: Int] = [
        "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
        "six": 6, "seven": 7, "eight": 8, "nine": 9,
    ]
    static let cardCues: Set<String> = ["card", "visa", "mastercard", "amex", "credit", "debit"]
    static let ssnCues: Set<String> = ["social", "security", "ssn"]
    /// Spoken digits after a card cue from which the run is hidden.
    static let cardAfterCue = 6
    /// Spoken digits after an SSN cue from which the run is hidden.
    static let ssnAfterCue = 4
    static let cardWithoutCue = 13

    static func redact(_ text: String, cards: Bool, ssn: Bool) -> String {
        guard cards || ssn else { return text }
        // Words with their ranges; separators between digit words (spaces, commas, hyphens) keep a run going.
        var words: [(word: String, range: Range<String.Index>)] = []
        var i = text.startIndex
        while i < text.endIndex {
            if text[i].isLetter {
                var j = i
                while j < text.endIndex, text[j].isLetter || text[j] == "'" { j = text.index(after: j) }
                words.append((text[i..<j].lowercased(), i..<j))
                i = j
            } else {
                i = text.index(after: i)
            }
        }
        var replacements: [(Range<String.Index>, String)] = []
        var k = 0
        var lastCue: (kind: String, index: Int)?
        while k < words.count {
            let w = words[k].word
            if cardCues.contains(w) { lastCue = ("card", k) }
            if ssnCues.contains(w) { lastCue = ("ssn", k) }
            guard digitWords[w] != nil || ((w == "double" || w == "triple") && k + 1 < words.count && digitWords[words[k + 1].word] != nil) else {
                k += 1
                continue
            }
            // A run of digit words, separated only by spaces, commas or hyphens.
            let start = k
            var digits = 0
            var end = k
            while end < words.count {
                let word = words[end].word
                if end > start {
                    let gap = text[words[end - 1].range.upperBound..<words[end].range.lowerBound]
                    guard gap.allSatisfy({ $0 == " " || $0 == "," || $0 == "-" }) else { break }
                }
                if word == "double" || word == "triple", end + 1 < words.count, digitWords[words[end + 1].word] != nil {
                    digits += word == "double" ? 2 : 3
                    end += 2
                } else if digitWords[word] != nil {
                    digits += 1
                    end += 1
                } else {
                    break
                }
            }
            let range = words[start].range.lowerBound..<words[end - 1].range.upperBound
            let cue = lastCue.flatMap { start - $0.index <= 8 ? $0.kind : nil }
            if ssn, cue == "ssn", digits >= ssnAfterCue {
                replacements.append((range, "[ssn]"))
            } else if cards, (cue == "card" && digits >= cardAfterCue) || digits >= cardWithoutCue {
                replacements.append((range, "[card]"))
            }
            k = end
        }
        var out = text
        for (range, mark) in replacements.reversed() { out.replaceSubrange(range, with: mark) }
        return out
    }
}
