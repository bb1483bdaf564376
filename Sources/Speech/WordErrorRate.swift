/// Word error counts between a reference and a hypothesis, after `TranscriptNormalizer.scoring`.
public struct WordErrorRate: Sendable, Equatable {
    /// Substitutions + deletions + insertions.
    public var errors: Int
    /// Words in the normalised reference.
    public var referenceWords: Int

    public init(errors: Int, referenceWords: Int) {
        self.errors = errors
        self.referenceWords = referenceWords
    }

    /// Levenshtein distance over the words `TranscriptNormalizer.scoring` compares.
    public init(reference: String, hypothesis: String) {
        self.init(reference: TranscriptNormalizer.scoring(reference), hypothesis: TranscriptNormalizer.scoring(hypothesis))
    }

    /// Levenshtein distance over words as given.
    public init(reference r: [String], hypothesis h: [String]) {
        var previous = Array(0...h.count)
        var current = [Int](repeating: 0, count: h.count + 1)
        for i in 1...max(1, r.count) where !r.isEmpty {
            current[0] = i
            for j in stride(from: 1, through: h.count, by: 1) {
                let cost = r[i - 1] == h[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        self.init(errors: r.isEmpty ? h.count : previous[h.count], referenceWords: r.count)
    }

    /// Error rate 0…; 0 for an empty reference with an empty hypothesis.
    public var rate: Double { referenceWords == 0 ? Double(errors == 0 ? 0 : 1) : Double(errors) / Double(referenceWords) }

    public static func + (a: WordErrorRate, b: WordErrorRate) -> WordErrorRate {
        WordErrorRate(errors: a.errors + b.errors, referenceWords: a.referenceWords + b.referenceWords)
    }
}
