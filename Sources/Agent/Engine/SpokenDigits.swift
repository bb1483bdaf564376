/// Hears a digit string: "four two seven one", "oh seven", "double seven", "forty two seventy one", "4271".
enum SpokenDigits {
    static func parse(_ text: String) -> String? {
        let t = SpokenText.tokens(text)
        var runs: [String] = []
        var current = ""
        var i = 0
        while i < t.count {
            let w = t[i]
            if w.allSatisfy(\.isNumber) {
                current += w
                i += 1
            } else if (w == "double" || w == "triple"), i + 1 < t.count, let u = SpokenText.units[t[i + 1]] {
                current += String(repeating: String(u), count: w == "double" ? 2 : 3)
                i += 2
            } else if let u = SpokenText.units[w], w != "o" || !current.isEmpty {
                current += String(u)
                i += 1
            } else if SpokenText.teens[w] != nil || SpokenText.tens[w] != nil, let n = SpokenText.number(t, at: i) {
                current += String(n.value)
                i += n.used
            } else {
                if !current.isEmpty { runs.append(current) }
                current = ""
                i += 1
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs.max { $0.count < $1.count }
    }

    /// Words a recogniser writes for a digit said in a run of digits: "one of four two seven"
    /// ("oh"), "on zero four", "one zero far two", "to"/"too", "for", "ate", "won".
    static let soundAlikes: [String: String] = [
        "of": "oh", "on": "one", "won": "one", "to": "two", "too": "two", "for": "four", "far": "four",
        "fore": "four", "ate": "eight",
    ]

    /// Hears a digit string of exactly `length` digits, the answer to "what's your five digit
    /// number?". When the words as heard give another length, words that sound like a digit and sit
    /// next to one are read as that digit, and the result is kept only if it has the right length.
    static func parse(_ text: String, length: Int) -> String? {
        if let strict = parse(text), strict.count == length { return strict }
        let t = SpokenText.tokens(text)
        func isDigitWord(_ i: Int) -> Bool {
            guard t.indices.contains(i) else { return false }
            return t[i].allSatisfy(\.isNumber) || SpokenText.units[t[i]] != nil
        }
        var repaired = t
        var changed = false
        for i in t.indices {
            if let digit = soundAlikes[t[i]], isDigitWord(i - 1) || isDigitWord(i + 1) {
                repaired[i] = digit
                changed = true
            }
        }
        guard changed, let loose = parse(repaired.joined(separator: " ")), loose.count == length else { return nil }
        return loose
    }
}
