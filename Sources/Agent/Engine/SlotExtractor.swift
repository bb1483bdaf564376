/// Pulls slot values of each type out of a caller's words. Deterministic: same words, same values.
struct SlotExtractor: Sendable {
    var today: CalendarDay

    /// `expected` is true when the agent just asked for this slot, which lets looser forms count
    /// (a bare "three" as a time, a whole reply as a name or an address). `accept` passes over values
    /// that cannot be this slot's (a birth date for an appointment day): a sentence naming several
    /// days gives the first one accepted.
    func extract(_ slot: SlotDefinition, known: [String], from text: String, expected: Bool,
                 accept: (SlotValue) -> Bool = { _ in true }) -> SlotValue? {
        // A caller who corrects themselves means what they said last ("Tuesday, no, Wednesday";
        // "10428, sorry, 10427"): the words after the last correction first, then the whole sentence.
        // Free text is kept whole (a message is the caller's words, corrections and all).
        if slot.type != .yesNo, slot.type != .text, let tail = SelfCorrection.lastPart(of: text) {
            if let value = extractPlain(slot, known: known, from: tail, expected: expected, accept: accept) { return value }
            // "Tuesday, no, Wensday": the value was taken back and its replacement not understood;
            // what was taken back is not the answer, so the slot stays empty and is asked.
            if SelfCorrection.replacementUnheard(tail, in: text, today: today) { return nil }
        }
        return extractPlain(slot, known: known, from: text, expected: expected, accept: accept)
    }

    /// The one known value close to what was heard when nothing known matched exactly ("Asia Khan"
    /// → "Aisha Khan", "Khan" → "Aisha Khan", 10499 → 10429), or nil when none or several are close.
    func closest(_ slot: SlotDefinition, known: [String], from text: String) -> SlotValue? {
        let part = SelfCorrection.lastPart(of: text) ?? text
        switch slot.type {
        case .name, .choice:
            guard let heard = NameMatcher.freeName(part, expected: true) else { return nil }
            let words = SpokenText.tokens(heard).filter { !NameMatcher.notNames.contains($0) }
            guard let match = ClosestMatch.name(heard: words.joined(separator: " "), among: known) else { return nil }
            return SlotValue(value: match, spoken: match)
        case .digits:
            guard let digits = heardAsIs(slot, from: part)?.value, let match = ClosestMatch.digits(heard: digits, among: known) else { return nil }
            return SlotValue(value: match, spoken: match.map(String.init).joined(separator: " "))
        default:
            return nil
        }
    }

    /// What was heard for a name or a number, whether or not anyone has it.
    func heardAsIs(_ slot: SlotDefinition, from text: String) -> SlotValue? {
        switch slot.type {
        case .name, .choice:
            return NameMatcher.freeName(text, expected: true).map { SlotValue(value: $0, spoken: $0) }
        case .digits:
            let heard = slot.length.flatMap { SpokenDigits.parse(text, length: $0) } ?? SpokenDigits.parse(text)
            return heard.map { SlotValue(value: $0, spoken: $0.map(String.init).joined(separator: " ")) }
        default:
            return nil
        }
    }

    /// Whether a value is a whole answer (a first and last name, all of a number's digits), not a part of one.
    static func isWhole(_ value: SlotValue, for slot: SlotDefinition) -> Bool {
        switch slot.type {
        case .name: return NameMatcher.looksLikeFullName(value.value)
        case .digits: return slot.length.map { value.value.count == $0 } ?? !value.value.isEmpty
        default: return !value.value.isEmpty
        }
    }

    private func extractPlain(_ slot: SlotDefinition, known: [String], from text: String, expected: Bool,
                              accept: (SlotValue) -> Bool) -> SlotValue? {
        if slot.type == .date {
            let words = SpokenText.tokens(text)
            for mention in SpokenDate.mentions(text, today: today) where slot.sensitive || !Negation.precedes(mention.words, in: words) {
                let day = mention.day
                let value = SlotValue(value: day.iso, spoken: slot.sensitive || day.year != today.year && day < today ? day.spoken(withYear: true) : day.spoken())
                if accept(value) { return value }
            }
            return nil
        }
        guard let value = extractOne(slot, known: known, from: text, expected: expected) else { return nil }
        return accept(value) ? value : nil
    }

    private func extractOne(_ slot: SlotDefinition, known: [String], from text: String, expected: Bool) -> SlotValue? {
        switch slot.type {
        case .date:
            return nil
        case .time:
            guard let time = SpokenTime.parse(text, expected: expected) else { return nil }
            return SlotValue(value: time, spoken: SpokenTime.spoken(time))
        case .digits:
            guard expected || slot.length != nil else { return nil }
            // Sound-alike repair ("one of four two seven") only for an answer to the question, with a known length.
            let heard = expected && slot.length != nil ? SpokenDigits.parse(text, length: slot.length ?? 0) : SpokenDigits.parse(text)
            guard let digits = heard else { return nil }
            if let length = slot.length, digits.count != length { return nil }
            return SlotValue(value: digits, spoken: digits.map(String.init).joined(separator: " "))
        case .number:
            let t = SpokenText.tokens(text)
            for i in t.indices {
                if let n = SpokenText.number(t, at: i) { return SlotValue(value: String(n.value), spoken: String(n.value)) }
            }
            return nil
        case .yesNo:
            guard let answer = YesNo.parse(text) else { return nil }
            return SlotValue(value: answer ? "yes" : "no", spoken: answer ? "yes" : "no")
        case .name:
            if let match = NameMatcher.best(in: text, among: known + slot.values) { return SlotValue(value: match, spoken: match) }
            guard slot.values.isEmpty, let free = NameMatcher.freeName(text, expected: expected) else { return nil }
            // A name nobody on the list has ("my name is Suzanne Clark") is still the caller's name: the
            // lookup then says plainly it found no one, instead of "didn't catch the name" forever.
            guard known.isEmpty || (expected && NameMatcher.looksLikeFullName(free)) else { return nil }
            return SlotValue(value: free, spoken: free)
        case .choice:
            guard let match = NameMatcher.best(in: text, among: slot.values) else { return nil }
            return SlotValue(value: match, spoken: match)
        case .text:
            guard expected else { return nil }
            let cleaned = FreeText.strip(text)
            return cleaned.isEmpty ? nil : SlotValue(value: cleaned, spoken: cleaned)
        }
    }
}

/// Yes and no in their everyday spoken forms.
enum YesNo {
    /// How a recogniser writes a lone "yes" or "no" in other accents ("yes" said "yus" is heard "us";
    /// "no" is heard "know"): taken as the answer only when they are the whole reply to a yes/no question.
    static let loneSoundAlikes: [String: Bool] = ["us": true, "yus": true, "yas": true, "yass": true, "yah": true, "ya": true, "yea": true, "yeh": true, "know": false]

    static func parse(_ text: String) -> Bool? {
        let t = SpokenText.tokens(text)
        if t.count == 1, let answer = loneSoundAlikes[t[0]] { return answer }
        let joined = " " + t.joined(separator: " ") + " "
        let negatives = [" no ", " nope ", " nah ", " don't ", " do not ", " not ", " negative ", " wrong ", " cancel that "]
        let positives = [" yes ", " yeah ", " yep ", " yup ", " sure ", " correct ", " right ", " please do ", " go ahead ", " absolutely ", " ok ", " okay ", " fine ", " perfect ", " great ", " do it "]
        let isNo = negatives.contains { joined.contains($0) }
        let isYes = positives.contains { joined.contains($0) }
        if isNo, !isYes { return false }
        if isYes, !isNo { return true }
        if isYes, isNo { return t.first.map { ["no", "nope", "nah"].contains($0) ? false : nil } ?? nil }
        return nil
    }
}

/// Where a caller corrects what they just said, in one breath.
enum SelfCorrection {
    /// Words that take back what came before them.
    static let markers: [[String]] = [
        ["no"], ["nope"], ["sorry"], ["i", "mean"], ["i", "meant"], ["actually"], ["make", "that"], ["rather"],
        ["wait"], ["scratch", "that"], ["i", "said"], ["correction"], ["not", "that"], ["oops"],
    ]

    /// Words after a marker that are no replacement value: an apology or a pleasantry ("Tuesday at
    /// three, sorry about that"), or a refinement of what stands ("Thursday, actually in the morning").
    static let notAReplacement: Set<String> = [
        "about", "that", "this", "it", "it's", "its", "the", "a", "for", "please", "thanks", "thank", "you", "all",
        "again", "i", "i'm", "im", "me", "my", "is", "was", "so", "um", "uh", "er", "just", "then", "there", "okay", "ok",
        "in", "on", "at", "around", "ish", "early", "late", "earlier", "later", "morning", "afternoon", "evening", "night",
        "make", "let's", "lets", "say", "how", "what",
    ]

    /// Words that begin another value after a replacement ("when's the | at two pm").
    static let valueOpeners: Set<String> = ["at", "on", "for", "around", "about", "by"]

    /// Whether a correction's replacement (`tail`, the words after the last marker) was said but not
    /// understood as any value — not a day, a time, a number — as when a corrected word is misheard
    /// ("Tuesday, no, Wensday"). "Sorry" alone is too often an apology to count as taking anything
    /// back; with another marker ("nope, sorry") it does. A long tail is a new sentence, not a value.
    /// The replacement is the tail's words before another value begins ("Tuesday, no sorry, when's the
    /// at two pm": "when's the"), so a correction that also says the time is still seen.
    static func replacementUnheard(_ tail: String, in text: String, today: CalendarDay) -> Bool {
        let tailWords = SpokenText.tokens(tail)
        let valueStart = tailWords.indices.first { i in
            valueOpeners.contains(tailWords[i]) || SpokenText.number(tailWords, at: i) != nil
                || CalendarDay.weekdayNames.contains(tailWords[i]) || CalendarDay.monthNames.contains(tailWords[i])
        } ?? tailWords.count
        let words = Array(tailWords[..<valueStart])
        guard (1...3).contains(words.count), !words.allSatisfy(notAReplacement.contains) else { return false }
        let all = SpokenText.tokens(text)
        let cut = all.count - tailWords.count
        guard cut > 0, let marker = markers.first(where: { m in cut >= m.count && Array(all[(cut - m.count)..<cut]) == m }) else { return false }
        if marker == ["sorry"] {
            let before = all[..<(cut - 1)]
            guard markers.contains(where: { m in m != ["sorry"] && before.count >= m.count && Array(before.suffix(m.count)) == m }) else { return false }
        }
        let replacement = words.joined(separator: " ")
        return SpokenDate.mentions(replacement, today: today).isEmpty && SpokenTime.parse(replacement, expected: true) == nil
            && SpokenDigits.parse(replacement) == nil
    }

    /// Markers that only take back what was said; "not that" and "make that" also say something
    /// ("I'm not that sure", "can I make that appointment") and are kept.
    static let takingBack = markers.filter { $0 != ["not", "that"] && $0 != ["make", "that"] }

    /// `t` without the markers that correct what came before them ("Monday at ten, sorry, I mean
    /// eleven" → "monday at ten eleven"): what is left is the request with its correction in it. A
    /// marker counts only after a word that says something and before more words: "sorry, can you
    /// repeat that" and "oh sorry, what was that" keep their "sorry".
    static func withoutMarkers(_ t: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < t.count {
            if out.contains(where: { !IntentClassifier.stopWords.contains($0) && !UnfinishedTurn.fillers.contains($0) }),
               let m = takingBack.first(where: { i + $0.count < t.count && Array(t[i..<(i + $0.count)]) == $0 }) {
                i += m.count
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return out
    }

    /// The words after the last correction marker that has words after it, or nil when there is none.
    static func lastPart(of text: String) -> String? {
        let t = SpokenText.tokens(text)
        var cut: Int?
        var i = 0
        while i < t.count {
            if let m = markers.first(where: { i + $0.count <= t.count && Array(t[i..<(i + $0.count)]) == $0 }) {
                if i + m.count < t.count { cut = i + m.count }
                i += m.count
            } else {
                i += 1
            }
        }
        guard let cut, cut > 0 else { return nil }
        return t[cut...].joined(separator: " ")
    }
}

/// "I can't make Thursday", "I'm not free on Monday": a day the caller rules out, not one they want.
enum Negation {
    static let cues: Set<String> = ["can't", "cant", "cannot", "won't", "wont", "not", "unable", "couldn't"]

    /// A negative word among the few before `words` (the clause the mention sits in).
    static func precedes(_ words: Range<Int>, in t: [String]) -> Bool {
        let from = max(0, words.lowerBound - 7)
        return t[from..<min(words.lowerBound, t.count)].contains { cues.contains($0) }
    }
}

/// Words callers say that are not a request.
enum SmallTalk {
    static let greetingWords: Set<String> = ["hello", "hi", "hey", "hiya", "howdy", "morning", "afternoon", "evening",
                                             "good", "there", "yes", "yeah", "oh", "um", "uh", "er", "ah", "so", "ok", "okay"]
    static let greetingCores: Set<String> = ["hello", "hi", "hey", "hiya", "howdy", "morning", "afternoon", "evening"]

    /// Only a greeting ("hello", "hi there", "good morning", "oh hello yes"), nothing asked.
    static func isGreeting(_ words: [String]) -> Bool {
        !words.isEmpty && words.count <= 5 && words.allSatisfy { greetingWords.contains($0) } && words.contains { greetingCores.contains($0) }
    }

    static let howAreYouWords: Set<String> = ["how", "are", "you", "doing", "is", "it", "going", "today", "things", "all", "well"]

    /// "How are you?", "hi, how's it going today": asked after the agent, nothing else.
    static func isHowAreYou(_ words: [String]) -> Bool {
        let rest = words.filter { !greetingWords.contains($0) }
        return words.count <= 8 && rest.contains("how") && (rest.contains("you") || rest.contains("going"))
            && rest.allSatisfy { howAreYouWords.contains($0) }
    }
}
