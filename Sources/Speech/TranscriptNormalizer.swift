/// The normaliser behind every WER figure Ringside reports.
///
/// Both reference and hypothesis go through it: lower case; punctuation dropped (apostrophes inside
/// words kept); numerals spelled out as spoken (`SpokenText`); fillers (um, uh, er, ah, hmm, mm) and
/// noise tokens dropped; "a m"/"p m"/"a.m." written "am"/"pm"; "oh" as a digit read "zero"; the
/// pronunciation-variant suffix "(2)" removed.
public enum TranscriptNormalizer {
    public static let fillers: Set<String> = ["um", "uh", "er", "ah", "hmm", "mm", "erm", "uhm", "umm"]

    public static func normalize(_ text: String) -> [String] {
        var words = SpokenText.words(text).filter { !fillers.contains($0) && !$0.hasPrefix("[") && $0 != "sil" }
        var out: [String] = []
        var i = 0
        while i < words.count {
            let w = words[i]
            if (w == "a" || w == "p"), i + 1 < words.count, words[i + 1] == "m",
               i > 0, SpokenText.digitValue(out.last ?? "") != nil || SpokenText.tens.contains(out.last ?? "-") || ["o'clock", "eleven", "twelve", "ten"].contains(out.last ?? "") {
                out.append(w + "m")
                i += 2
                continue
            }
            if w == "oh", let prev = out.last, SpokenText.digitValue(prev) != nil || prev == "zero" {
                out.append("zero"); i += 1; continue
            }
            if w == "oh", i + 1 < words.count, SpokenText.digitValue(words[i + 1]) != nil, words[i + 1] != "oh" {
                out.append("zero"); i += 1; continue
            }
            out.append(w)
            i += 1
        }
        words = out
        return words
    }
}
