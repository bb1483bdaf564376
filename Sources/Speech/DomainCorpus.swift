import RingsideCore

/// Sentences for a domain language model: the agent's phrases and slot values, plus the numbers,
/// dates, times and answers every phone dialogue needs.
public enum DomainCorpus {
    static let slotCarriers: [[String]] = [[], ["it's"], ["my", "name", "is"], ["for"], ["this", "is"], ["the", "patient", "is"],
                                           ["i'm", "calling", "about"], ["with"], ["i", "want"], ["i'd", "like"]]

    public static func sentences(for vocabulary: DomainVocabulary) -> [[String]] {
        var s: [[String]] = []
        // Phrases count three times: they are the domain's core.
        for p in vocabulary.phrases {
            let w = SpokenText.words(p)
            s += [w, w, w]
        }
        for v in vocabulary.slotValues {
            let w = SpokenText.words(v)
            guard !w.isEmpty else { continue }
            for c in slotCarriers { s.append(c + w) }
        }
        // Callers hesitate: "um" and "uh" are words here (the normaliser drops them), so the
        // recogniser does not turn them into "i'm" or "a".
        for p in vocabulary.phrases.prefix(20) {
            let w = SpokenText.words(p)
            s += [["um"] + w, ["uh"] + w]
        }
        // General-purpose answers, thinned so they do not swamp the phrases.
        for e: RecognitionExpectation in [.yesNo, .digits(count: nil), .date, .time] {
            let all = ExpectationCorpus.sentences(for: e)
            let step = max(1, all.count / 120)
            s += stride(from: 0, to: all.count, by: step).map { all[$0] }
        }
        return s
    }
}
