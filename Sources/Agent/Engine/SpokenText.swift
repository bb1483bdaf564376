/// Words of spoken English as the intent engine sees them: lower-cased tokens, number words, fillers.
enum SpokenText {
    /// Lower-cased tokens; punctuation dropped, except inside numbers (`3:30`, `2026-03-04`, `4/3/1980`).
    static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            // "3pm" → "3", "pm"; "4th" stays (ordinal parsing handles it).
            if let first = current.first, first.isNumber, let split = current.firstIndex(where: { $0.isLetter }),
               ["am", "pm", "a.m", "p.m"].contains(String(current[split...])) {
                out.append(String(current[..<split]))
                out.append(String(current[split...]).replacingOccurrences(of: ".", with: ""))
            } else {
                out.append(current)
            }
            current = ""
        }
        let chars = Array(text.lowercased())
        for (i, ch) in chars.enumerated() {
            if ch.isLetter || ch.isNumber || ch == "'" {
                current.append(ch == "’" ? "'" : ch)
            } else if [":", "/", "-", "."].contains(ch), let last = current.last, last.isNumber,
                      i + 1 < chars.count, chars[i + 1].isNumber {
                current.append(ch)
            } else if ch == "-" && !current.isEmpty {
                flush() // "twenty-four" → "twenty", "four"
            } else {
                flush()
            }
        }
        flush()
        return out.map { $0.hasSuffix("'s") && $0 != "it's" && $0 != "that's" && $0 != "what's" ? String($0.dropLast(2)) : $0 }
    }

    static let units: [String: Int] = [
        "zero": 0, "oh": 0, "o": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
        "seven": 7, "eight": 8, "nine": 9,
    ]
    static let teens: [String: Int] = [
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]
    static let ordinals: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
        "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
        "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
        "twentieth": 20, "thirtieth": 30,
    ]

    /// A number said in words or digits starting at `i` ("one hundred and twenty", "forty two", "120").
    /// Returns the value and how many tokens it used.
    static func number(_ t: [String], at i: Int) -> (value: Int, used: Int)? {
        guard i < t.count else { return nil }
        if let n = Int(t[i]) { return (n, 1) }
        var total = 0, chunk = 0, j = i, any = false
        while j < t.count {
            let w = t[j]
            if let u = units[w], w != "o" {
                if any, chunk % 10 != 0 || (chunk > 0 && chunk < 20) { break }
                chunk += u
            } else if let v = teens[w] {
                if any, chunk % 100 != 0 { break }
                chunk += v
            } else if let v = tens[w] {
                if any, chunk % 100 != 0 { break }
                chunk += v
            } else if w == "hundred", any {
                chunk = max(chunk, 1) * 100
            } else if w == "thousand", any {
                total += max(chunk, 1) * 1000
                chunk = 0
            } else if w == "and", any, j + 1 < t.count, units[t[j + 1]] != nil || teens[t[j + 1]] != nil || tens[t[j + 1]] != nil {
                j += 1
                continue
            } else if w == "a", !any, j + 1 < t.count, t[j + 1] == "hundred" || t[j + 1] == "thousand" {
                chunk = 1
                any = true
                j += 1
                continue
            } else {
                break
            }
            any = true
            j += 1
        }
        return any ? (total + chunk, j - i) : nil
    }

    /// An ordinal or a plain day number at `i` ("fourth", "twenty first", "4th", "4").
    static func dayOrdinal(_ t: [String], at i: Int) -> (value: Int, used: Int)? {
        guard i < t.count else { return nil }
        let w = t[i]
        for suffix in ["st", "nd", "rd", "th"] where w.hasSuffix(suffix) {
            if let n = Int(w.dropLast(2)) { return (n, 1) }
        }
        if let n = Int(w), n >= 1, n <= 31 { return (n, 1) }
        if let o = ordinals[w] { return (o, 1) }
        if let ten = tens[w], i + 1 < t.count, let o = ordinals[t[i + 1]], o < 10 { return (ten + o, 2) }
        return nil
    }
}
