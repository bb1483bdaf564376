/// The shape of a question or a request ("what's the weather like", "can you recommend a
/// restaurant", "I want to order a pizza"): with words none of the agent's intents use, it is a
/// question the agent cannot help with, not a misunderstanding.
enum OutOfScope {
    static let questionStarts: Set<String> = [
        "what", "what's", "whats", "when", "when's", "where", "where's", "who", "who's", "how", "how's", "why", "which",
        "can", "could", "would", "will", "do", "does", "did", "is", "are", "have", "has", "should", "tell", "recommend",
    ]
    /// Openings of a request, the telephone's own included ("I'm calling about", "I was wondering").
    static let requestStarts: [[String]] = [["i", "want"], ["i", "need"], ["i'd", "like"], ["i", "would"], ["i'm", "looking"], ["give", "me"],
                                            ["i'm", "calling"], ["i'm", "ringing"], ["i'm", "phoning"], ["i", "was", "wondering"], ["i'm", "trying"]]

    /// At least three words, shaped as a question or a request.
    static func isQuestionOrRequest(_ words: [String]) -> Bool {
        guard words.count >= 3, let first = words.first else { return false }
        if questionStarts.contains(first) { return true }
        return requestStarts.contains { Array(words.prefix($0.count)) == $0 }
    }
}
