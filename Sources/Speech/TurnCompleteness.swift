import RingsideCore

/// Whether a partial transcript sounds like a finished turn. Pure and cheap: called every frame.
public enum TurnCompleteness: Sendable, Equatable {
    case complete, likelyComplete, neutral, incomplete, digitsContinuing

    /// Words after which English speakers almost never stop a turn.
    static let trailing: Set<String> = [
        "and", "or", "but", "so", "because", "then", "if", "um", "uh", "er", "ah", "hmm",
        "to", "at", "for", "on", "in", "of", "with", "from", "about", "by", "until", "after", "before",
        "the", "a", "an", "my", "your", "our", "his", "her", "their", "this", "that", "these", "those", "some",
        "is", "was", "are", "am", "be", "i", "i'm", "i'd", "it's", "i'll", "we", "we're", "like", "want", "need", "would",
        "could", "can", "should", "will", "have", "has", "number", "name", "called", "next", "last", "this", "please", "uh-huh",
        "than", "as", "also", "actually", "maybe", "well", "just", "very", "really", "o'clock-",
    ]
    /// Words that close a turn.
    static let closing: Set<String> = ["please", "thanks", "you", "bye", "goodbye", "okay", "ok",
                                       "yes", "no", "yeah", "nope", "correct", "right", "sure", "pm", "am", "o'clock",
                                       "today", "tomorrow", "morning", "afternoon", "evening", "tonight"]

    /// Words that open a question; a question of four words or more that ends on a content word
    /// ("what are your opening hours") has usually been asked.
    static let questionStarts: Set<String> = ["what", "when", "where", "which", "who", "how", "do", "does", "is", "are", "can", "could", "will"]

    public static func judge(_ partial: String, expecting expectation: RecognitionExpectation?) -> TurnCompleteness {
        let words = TranscriptNormalizer.normalize(partial)
        // Only fillers so far ("um"): the caller has not started saying anything.
        guard let last = words.last else { return SpokenText.words(partial).isEmpty ? .neutral : .incomplete }
        if last == "please" && words.count == 1 { return .incomplete }
        let digitCount = words.reversed().prefix { SpokenText.digitValue($0) != nil }.count
        switch expectation {
        case .digits(let count?)?:
            let total = words.filter { SpokenText.digitValue($0) != nil }.count
            if total >= count { return .complete }
            if total > 0 || trailing.contains(last) { return .incomplete }
        case .digits(nil)?:
            if digitCount > 0 { return .digitsContinuing }
        case .yesNo?:
            if ExpectationInterpreter.interpret(partial, as: .yesNo) != nil && !trailing.contains(last) { return .complete }
        case .oneOf?:
            if ExpectationInterpreter.interpret(partial, as: expectation) != nil && !trailing.contains(last) { return .complete }
        default:
            break
        }
        // "…at nine am": a clock time closes the turn, though "am" alone trails ("I am…").
        if last == "am" || last == "pm", words.count >= 2,
           SpokenText.units.contains(words[words.count - 2]) || SpokenText.tens.dropFirst(2).contains(words[words.count - 2]) {
            return .complete
        }
        if trailing.contains(last) && last != "please" { return .incomplete }
        if digitCount >= 2 { return .digitsContinuing }
        // "no, not Wednesday…": a negated value is usually followed by the right one.
        if words.suffix(3).dropLast().contains("not") { return .neutral }
        if closing.contains(last) { return .complete }
        // Dates and names usually end a booking turn, but "…on Tuesday, at three" happens.
        if ExpectationCorpus.weekdays.contains(last) || ExpectationCorpus.months.contains(last)
            || SpokenText.ordinalUnits.contains(last) || SpokenText.ordinalTens.contains(last) { return .likelyComplete }
        if words.count >= 4, let first = words.first, questionStarts.contains(first) { return .likelyComplete }
        return .neutral
    }
}
