import RingsideCore

/// Reads a final transcript against what the dialogue expected: the digits of an order number,
/// yes or no, the option named. Returns `nil` when the words do not answer the expectation.
public enum ExpectationInterpreter {
    public static func interpret(_ text: String, as expectation: RecognitionExpectation?) -> String? {
        let words = TranscriptNormalizer.normalize(text)
        switch expectation {
        case nil, .open?, .date?, .time?:
            return nil
        case .yesNo?:
            if words.contains(where: { ExpectationCorpus.noWords.contains($0) }) || words.contains("not") { return "no" }
            if words.contains(where: { ExpectationCorpus.yesWords.contains($0) }) || words.contains("course") { return "yes" }
            return nil
        case .digits(let count)?:
            let digits = words.compactMap(SpokenText.digitValue).map(String.init).joined()
            if digits.isEmpty { return nil }
            if let count, digits.count != count { return nil }
            return digits
        case .number?:
            return number(in: words).map(String.init)
        case .oneOf(let options)?:
            var best: (option: String, score: Double)?
            for o in options {
                let ow = SpokenText.words(o)
                guard !ow.isEmpty else { continue }
                let hit = Double(ow.filter(words.contains).count) / Double(ow.count)
                if hit >= 0.5, hit > (best?.score ?? 0) { best = (o, hit) }
            }
            return best?.option
        }
    }

    /// The first cardinal number spoken ("one hundred twenty three" → 123).
    static func number(in words: [String]) -> Int? {
        var total = 0, current = 0, seen = false
        for w in words {
            if let u = SpokenText.units.firstIndex(of: w) { current += u; seen = true }
            else if let t = SpokenText.tens.firstIndex(of: w), t >= 2 { current += t * 10; seen = true }
            else if w == "hundred", seen { current *= 100 }
            else if w == "thousand", seen { total += current * 1000; current = 0 }
            else if w == "and", seen { continue }
            else if seen { break }
        }
        return seen ? total + current : nil
    }
}
