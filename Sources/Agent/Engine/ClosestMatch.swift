import RingsideCore

/// The one known value a caller most likely meant when what was heard matches none exactly: a name
/// with the surname right and the first name misheard, a name said alike but spelled apart, an
/// order number one digit off. General rules over the whole vocabulary, never particular values:
/// a value is offered only when it is close enough and clearly closer than every other one.
enum ClosestMatch {
    /// How alike two names must be (0…1) before one is offered.
    static let nameThreshold = 0.7
    /// How much closer the best name must be than the runner-up.
    static let nameMargin = 0.15

    /// How alike two words are, 0…1: spelling (edit distance over length), or a shared sound key.
    static func wordSimilarity(_ a: String, _ b: String) -> Double {
        if a == b { return 1 }
        let longest = max(a.count, b.count)
        guard longest > 0 else { return 0 }
        let spelling = 1 - Double(editDistance(a, b)) / Double(longest)
        let sound = min(a.count, b.count) >= 3 && SoundKey.key(a) == SoundKey.key(b) ? 0.85 : 0
        return max(spelling, sound)
    }

    /// How alike the heard words are to a known name's words, 0…1. One heard word ("Khan") is
    /// scored by the part of the name it matches best; several by both directions' mean best matches,
    /// so each part of the name must be accounted for.
    static func nameSimilarity(heard: [String], name: [String]) -> Double {
        guard !heard.isEmpty, !name.isEmpty else { return 0 }
        let bestForHeard = heard.map { h in name.map { wordSimilarity(h, $0) }.max() ?? 0 }
        let precision = bestForHeard.reduce(0, +) / Double(heard.count)
        if heard.count == 1 { return precision }
        let bestForName = name.map { n in heard.map { wordSimilarity($0, n) }.max() ?? 0 }
        let recall = bestForName.reduce(0, +) / Double(name.count)
        return (precision + recall) / 2
    }

    /// The known name the heard words most likely are, when exactly one is close enough.
    static func name(heard: String, among known: [String]) -> String? {
        let words = SpokenText.tokens(heard).filter { $0.count >= 2 && $0.allSatisfy(\.isLetter) }
        guard !words.isEmpty, words.count <= 3 else { return nil }
        let scored = known.map { (name: $0, score: nameSimilarity(heard: words, name: SpokenText.tokens($0))) }
            .sorted { $0.score > $1.score }
        guard let best = scored.first, best.score >= nameThreshold else { return nil }
        if scored.count > 1, scored[1].score > best.score - nameMargin { return nil }
        return best.name
    }

    /// The known number of the same length that differs from the heard one in exactly one digit,
    /// when exactly one does (two or more such numbers: nothing is offered).
    static func digits(heard: String, among known: [String]) -> String? {
        let near = known.filter { candidate in
            candidate.count == heard.count && zip(candidate, heard).filter { $0 != $1 }.count == 1
        }
        return near.count == 1 ? near.first : nil
    }
}
