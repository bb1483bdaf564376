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
}
