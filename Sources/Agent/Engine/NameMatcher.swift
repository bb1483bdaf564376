import RingsideCore
import Foundation

/// Finds a known name (or option) in a caller's words, tolerating small misspellings from recognition.
enum NameMatcher {
    /// The candidate whose every word appears in the text; ties go to the longest, then the first.
    static func best(in text: String, among candidates: [String]) -> String? {
        let words = SpokenText.tokens(text)
        var best: (name: String, score: Int)?
        for candidate in candidates {
            let parts = SpokenText.tokens(candidate)
            guard !parts.isEmpty, parts.allSatisfy({ part in words.contains { similar($0, part) } }) else { continue }
            let score = parts.reduce(0) { $0 + $1.count }
            if best == nil || score > (best?.score ?? 0) { best = (candidate, score) }
        }
        return best?.name
    }

    static func similar(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        return min(a.count, b.count) >= 5 && editDistance(a, b) <= 1
    }

    /// A name said after "my name is", "this is", "I'm"; or, when asked, a short reply of one to three words.
    static func freeName(_ text: String, expected: Bool) -> String? {
        let t = SpokenText.tokens(text)
        let cues: [[String]] = [["my", "name", "is"], ["name", "is"], ["this", "is"], ["i'm"], ["i", "am"], ["it's"]]
        for cue in cues {
            guard let start = (0...max(0, t.count - cue.count)).first(where: { Array(t[$0..<min(t.count, $0 + cue.count)]) == cue }) else { continue }
            let rest = t[(start + cue.count)...].prefix(3).filter { !fillers.contains($0) }
            if !rest.isEmpty { return rest.map(\.capitalized).joined(separator: " ") }
        }
        let content = t.filter { !fillers.contains($0) }
        if expected, (1...3).contains(content.count) { return content.map(\.capitalized).joined(separator: " ") }
        return nil
    }

    /// Two or three words that could be a first and last name: letters only, none of them a word
    /// that answers something else ("I don't know", "no idea", "what for").
    static func looksLikeFullName(_ name: String) -> Bool {
        let words = name.lowercased().split(separator: " ").map(String.init)
        return (2...3).contains(words.count) && words.allSatisfy { w in w.count >= 2 && w.allSatisfy(\.isLetter) && !notNames.contains(w) }
    }

    /// Words that answer something else ("I don't know", "no idea", "what for"), never part of a name.
    static let notNames: Set<String> = ["i", "don't", "dont", "know", "no", "not", "what", "why", "who", "idea", "sorry", "sure", "can't", "cannot",
                                        "remember", "forget", "forgot", "for", "need", "that", "this", "me", "you", "my", "your", "a", "an",
                                        "do", "does", "did", "wait", "hold", "on", "again", "repeat", "pardon", "okay", "ok", "hello", "hi"]

    static let fillers: Set<String> = ["um", "uh", "er", "please", "yes", "yeah", "it", "is", "the", "and", "thanks", "thank", "you"]
}

/// Free text such as an address, with the lead-in words ("it's", "the new address is") taken off.
enum FreeText {
    static func strip(_ text: String) -> String {
        var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let leads = ["my new address is", "the new address is", "new address is", "the address is", "it's", "it is", "please send it to", "send it to", "to", "it should go to"]
        var changed = true
        while changed {
            changed = false
            for lead in leads where s.lowercased().hasPrefix(lead + " ") {
                s = String(s.dropFirst(lead.count + 1)).trimmingCharacters(in: .whitespaces)
                changed = true
            }
        }
        while let last = s.last, ".!?".contains(last) { s.removeLast() }
        return s
    }
}
