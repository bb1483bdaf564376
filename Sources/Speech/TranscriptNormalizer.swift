/// The normaliser behind every WER figure Ringside reports.
///
/// Both reference and hypothesis go through it: lower case; punctuation dropped (apostrophes inside
/// words kept); numerals spelled out as spoken (`SpokenText`); fillers (um, uh, er, ah, hmm, mm) and
/// noise tokens dropped; "a m"/"p m"/"a.m." written "am"/"pm"; "oh" as a digit read "zero"; the
/// pronunciation-variant suffix "(2)" removed. `scoring` adds what only a word error rate should
/// count as the same words.
public enum TranscriptNormalizer {
    public static let fillers: Set<String> = ["um", "uh", "er", "ah", "hmm", "mm", "erm", "uhm", "umm", "mhm", "mmm"]

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

    /// Whole words written out as Whisper's English normaliser writes them.
    static let expansions: [String: [String]] = [
        "won't": ["will", "not"], "can't": ["can", "not"], "cannot": ["can", "not"], "shan't": ["shall", "not"],
        "let's": ["let", "us"], "y'all": ["you", "all"], "alright": ["all", "right"],
    ]
    /// Contraction endings written out ("n't" "not", "'m" "am", "'d" "would").
    static let contractionEndings: [(String, String)] = [("n't", "not"), ("'re", "are"), ("'ll", "will"), ("'ve", "have"), ("'m", "am"), ("'d", "would")]

    /// The words a word error rate compares, the same for every engine and for the reference:
    /// `normalize` of the text as said (clock times, titles and amounts read as `WhisperText`
    /// reads them: "10.30" is "ten thirty", "Dr." "doctor", "O.K." "okay"), with contractions
    /// written out ("I'm" and "I am", "don't" and "do not" are the same words), as Whisper's English
    /// normaliser counts them. Homophones stay as written: "to pm" is an error, not "two pm".
    public static func scoring(_ text: String) -> [String] {
        normalize(WhisperText.writtenWords(text).joined(separator: " ")).flatMap { word -> [String] in
            if let whole = expansions[word] { return whole }
            for (ending, full) in contractionEndings where word.count > ending.count && word.hasSuffix(ending) {
                return [String(word.dropLast(ending.count)), full]
            }
            return [word]
        }
    }
}
