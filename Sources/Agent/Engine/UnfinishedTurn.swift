/// A caller turn that stopped before its point: it ends on a word English speakers almost never
/// finish on ("and", "the", "to", "um"), or holds nothing but fillers. Such a turn is asked again
/// but never counted as a misunderstanding: the caller was cut off or paused, not misunderstood.
enum UnfinishedTurn {
    static let trailing: Set<String> = [
        "and", "or", "but", "so", "because", "then", "if", "um", "uh", "er", "erm", "ah", "hmm",
        "to", "at", "for", "on", "in", "of", "with", "from", "about", "by", "until", "after", "before",
        "the", "a", "an", "my", "your", "our", "his", "her", "their", "some",
        "is", "was", "are", "be", "i", "i'm", "i'd", "it's", "i'll", "we", "we're", "want", "need", "would",
        "could", "can", "should", "will", "have", "has", "than", "as", "also", "just", "very", "really",
    ]
    static let fillers: Set<String> = ["um", "uh", "er", "erm", "ah", "hmm", "so", "well", "like"]

    static func isUnfinished(_ words: [String]) -> Bool {
        guard let last = words.last else { return true }
        return trailing.contains(last) || words.allSatisfy { fillers.contains($0) }
    }
}
