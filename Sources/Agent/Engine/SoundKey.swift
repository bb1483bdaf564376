/// A rough English sound key for a word, so that names spelled apart but said alike ("Aisha" and
/// "Asia", "Khan" and "Kahn", "Shen" and "Chen") compare equal. Not a full phonetic algorithm:
/// it folds the spellings recognisers and callers most often swap, then drops vowels after the first
/// letter and collapses repeats.
enum SoundKey {
    static func key(_ word: String) -> String {
        var w = word.lowercased().filter(\.isLetter)
        guard !w.isEmpty else { return "" }
        // Spellings of one sound, longest first.
        let folds: [(String, String)] = [
            ("tch", "c"), ("sch", "s"), ("ph", "f"), ("gh", ""), ("kh", "k"), ("ck", "k"), ("ch", "c"), ("sh", "c"),
            ("th", "t"), ("wh", "w"), ("qu", "k"), ("q", "k"), ("x", "ks"), ("z", "s"), ("dg", "j"),
        ]
        for (from, to) in folds { w = w.replacingOccurrences(of: from, with: to) }
        var out = ""
        for (i, ch) in w.enumerated() {
            var c = ch
            if "aeiouy".contains(c) || c == "h" || c == "w" {
                if i > 0 { continue }
                c = "a"
            }
            if c == "k" || c == "g" { c = "k" }
            if c == "b" || c == "p" { c = "p" }
            if c == "d" || c == "t" { c = "t" }
            if c == "v" || c == "f" { c = "f" }
            if c == "j" { c = "c" }
            if out.last != c { out.append(c) }
        }
        return out
    }
}
