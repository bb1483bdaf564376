import Foundation

/// Ranks intents by how much of an example phrase an utterance covers, weighting rare words more.
///
/// Scores are in 0…1 and deterministic. Words no example uses (names, dates) neither help nor hurt,
/// so "book me in for next Tuesday please" scores like "book an appointment". A day or a time the
/// caller names is evidence for the intents that take one (`timed`): "can I come in Thursday" is a
/// visit on a day, which is a booking, where "can I come in" alone says too little.
struct IntentClassifier: Sendable {
    struct Match: Sendable, Equatable {
        var intent: String
        var score: Double
    }

    static let human = "_human"
    static let repeatThat = "_repeat"
    static let goodbye = "_goodbye"

    /// `owned`: the word an example says after "my" ("where is my order": order).
    private var examples: [(intent: String, words: Set<String>, owned: String?)] = []
    private var weights: [String: Double] = [:]
    /// Intents with a date or time slot, and how much a day or time named in a turn counts for them:
    /// as much as a word only those intents' examples use.
    private var timed: Set<String> = []
    private var whenWeight = 0.0

    /// `timed`: the intents that take a day or a time (a slot of type date or time).
    init(intents: [IntentDefinition], timed: Set<String> = []) {
        var all: [(String, [String])] = intents.map { ($0.name, $0.examples) }
        all.append((IntentClassifier.human, BuiltinPhrases.human))
        all.append((IntentClassifier.repeatThat, BuiltinPhrases.repeatThat))
        all.append((IntentClassifier.goodbye, BuiltinPhrases.goodbye))
        var documentFrequency: [String: Set<String>] = [:]
        for (intent, phrases) in all {
            for phrase in phrases {
                let words = IntentClassifier.words(phrase)
                guard !words.isEmpty else { continue }
                examples.append((intent, words, IntentClassifier.owned(phrase)))
                for w in words { documentFrequency[w, default: []].insert(intent) }
            }
        }
        let n = Double(all.count)
        for (word, intentsUsing) in documentFrequency {
            weights[word] = log(1 + n / Double(intentsUsing.count))
        }
        self.timed = timed.intersection(intents.map(\.name))
        whenWeight = self.timed.isEmpty ? 0 : log(1 + n / Double(self.timed.count))
    }

    /// The intents of `agent` that take a day or a time.
    static func timedIntents(_ agent: AgentDefinition) -> Set<String> {
        Set(agent.intents.filter { intent in
            intent.slots.contains { agent.slots[$0].map { $0.type == .date || $0.type == .time } ?? false }
        }.map(\.name))
    }

    /// Content words, lightly stemmed, with synonyms folded together; the content word after a
    /// negator is kept apart as "not_…" ("can't make" shares nothing with "make"). A caller's own
    /// correction words ("sorry, I mean") say nothing about what they ask for and are left out.
    static func words(_ text: String) -> Set<String> {
        var out = Set<String>()
        var negated = false
        var previous: String?
        for token in SelfCorrection.withoutMarkers(SpokenText.tokens(text)) {
            if negators.contains(token) { negated = true; continue }
            guard !stopWords.contains(token), token.rangeOfCharacter(from: .decimalDigits) == nil else { continue }
            // "won't be able to make it": the denial carries over "able" to what the caller cannot do.
            if negated, token == "able" { continue }
            var word = stem(synonyms[token] ?? stemmedSynonyms[stem(token)] ?? token)
            // "change where it goes": the place is what a change verb acts on, not a question.
            if token == "where", previous == changeWord { word = stem("address") }
            out.insert(negated ? "not_" + word : word)
            previous = word
            negated = false
        }
        return out
    }

    /// The content word right after "my", as `words` gives it: what the caller has or waits for.
    static func owned(_ text: String) -> String? {
        let t = SpokenText.tokens(text)
        guard let i = t.firstIndex(of: "my"), i + 1 < t.count, !stopWords.contains(t[i + 1]),
              t[i + 1].rangeOfCharacter(from: .decimalDigits) == nil else { return nil }
        return stem(synonyms[t[i + 1]] ?? stemmedSynonyms[stem(t[i + 1])] ?? t[i + 1])
    }

    /// One form for a word and its inflections: "cancel", "cancelled", "cancelling" → "cancel";
    /// "arrive", "arrived", "arriving" → "arriv" (a final "e" and a doubled consonant go too).
    static func stem(_ word: String) -> String {
        var w = word
        if let suffix = ["ing", "ed", "es", "s"].first(where: { w.count > $0.count + 3 && w.hasSuffix($0) }) {
            w = String(w.dropLast(suffix.count))
        }
        if w.count > 3, w.hasSuffix("e") { w.removeLast() }
        if w.count > 3, let last = w.last, last == w.dropLast().last, !"aeiou".contains(last) { w.removeLast() }
        return w
    }

    static let stopWords: Set<String> = [
        "i", "a", "an", "the", "to", "my", "me", "is", "it", "for", "on", "at", "of", "please", "can", "could",
        "would", "like", "want", "you", "we", "do", "in", "and", "um", "uh", "just", "some", "this", "that", "be",
        "with", "your", "hi", "hello", "i'd", "i'm", "am", "are", "was", "there", "so", "well", "hey", "need",
        "id", "if", "possible", "maybe", "know", "get", "have", "thanks", "thank", "okay", "ok", "oh", "no", "yes",
        "about", "got", "gotten",
    ]

    /// Words that ask, about anything: they tell intents apart ("where is" vs "when is") but match none alone.
    static let questionWords = Set(["what", "what's", "whats", "when", "where", "which", "who", "how", "why"].map(stem))

    /// Words that deny the next one: "I can't make my appointment" is not "make an appointment".
    static let negators: Set<String> = ["can't", "cant", "cannot", "won't", "wont", "couldn't", "don't", "not"]

    static let synonyms: [String: String] = [
        "appt": "appointment", "appointments": "appointment", "booking": "book", "schedule": "book",
        "move": "reschedule", "rebook": "reschedule", "postpone": "reschedule", "shift": "reschedule",
        "person": "human", "someone": "human", "somebody": "human", "operator": "human", "representative": "human",
        "agent": "human", "receptionist": "human", "staff": "human", "people": "human",
        "parcel": "order", "package": "order", "delivered": "delivery", "arrive": "delivery", "arriving": "delivery",
        "refund": "return", "hours": "open", "opening": "open", "close": "open", "closing": "open",
        // Asking what is free: "any availability", "openings", "spaces left", "a free slot".
        "available": "free", "availability": "free", "openings": "free", "slot": "free", "space": "free",
        "spot": "free", "gap": "free", "vacancy": "free", "vacancies": "free",
        // Coming in: "can I come in", "pop in", "drop by" is a visit.
        "come": "visit", "pop": "visit", "drop": "visit",
        // Where something goes: "somewhere else", "my office", "another place" is an address.
        "somewhere": "address", "elsewhere": "address", "place": "address", "destination": "address",
        "office": "address", "house": "address", "home": "address", "another": "different", "instead": "different",
        // Changing something: "update", "redirect", "reroute", "divert".
        "update": "change", "alter": "change", "redirect": "change", "reroute": "change", "divert": "change",
        // "Where's my order" asks what "where is my order" asks.
        "where's": "where", "wheres": "where", "when's": "when", "whens": "when",
    ]

    /// A change verb, as `words` gives it ("change where it is delivered" is about the address).
    static let changeWord = stem("change")

    /// Synonyms by the stem of the word they replace, so an inflection finds one too ("arrived").
    static let stemmedSynonyms: [String: String] = Dictionary(synonyms.map { (stem($0.key), $0.value) }) { first, _ in first }

    /// Words that carry slot values (days, months, numbers, times), as `words` stems them.
    static let slotWords: Set<String> = {
        let plain = CalendarDay.weekdayNames + CalendarDay.monthNames + Array(SpokenText.units.keys) + Array(SpokenText.teens.keys)
            + Array(SpokenText.tens.keys) + Array(SpokenText.ordinals.keys)
            + ["am", "pm", "half", "quarter", "past", "noon", "tomorrow", "today", "next", "week", "morning", "afternoon", "o'clock"]
        return Set(plain.map(stem))
    }()

    /// `w` as `words` gives it (stemmed).
    static func isSlotWord(_ w: String) -> Bool { slotWords.contains(w) }

    /// Content words of `utterance` that no intent's examples use (slot values aside): what the
    /// caller talked about that none of the intents is about ("the weather").
    func strangerWords(_ utterance: String) -> Set<String> {
        IntentClassifier.words(utterance).filter { weights[$0] == nil && !IntentClassifier.isSlotWord($0) }
    }

    /// Intents ranked by score, best first. `namesWhen`: the utterance names a day or a time, which
    /// counts as a word shared with every example of a `timed` intent (never as the only one).
    func rank(_ utterance: String, namesWhen: Bool = false) -> [Match] {
        let said = IntentClassifier.words(utterance)
        let known = said.filter { weights[$0] != nil }
        guard !known.isEmpty else { return [] }
        // Words no example uses lower precision a little ("a joke about doctors" is not "see a doctor"),
        // except words that are slot values (days, months, times, numbers), which any request may carry.
        let strangers = said.filter { weights[$0] == nil && !IntentClassifier.isSlotWord($0) }
        let knownWeight = known.reduce(0) { $0 + (weights[$1] ?? 0) }
        // A thing of the caller's that no example names ("where's my stuff", "where's my part of" for
        // "parcel" misheard) stands in for the thing an example has in the same place ("where is my
        // order"), when the rest of the sentence matches that example too; such a match counts less.
        let strangerOwned = IntentClassifier.owned(utterance).map(strangers.contains) ?? false
        var best: [String: Double] = [:]
        for example in examples {
            var shared = known.intersection(example.words)
            var strangerCount = strangers.count, standIn = 0.0, discount = 1.0
            if strangerOwned, let owned = example.owned, !shared.contains(owned), !shared.isEmpty {
                shared.insert(owned)
                strangerCount -= 1
                standIn = weights[owned] ?? 0
                discount = 0.85
            }
            // A question word alone is no evidence: "what's the weather like" is not "what's the status"
            // (with a thing of the caller's standing in, it is: "where's my stuff").
            guard discount < 1 || !shared.subtracting(IntentClassifier.questionWords).isEmpty else { continue }
            let when = namesWhen && timed.contains(example.intent) ? whenWeight : 0
            let sharedWeight = shared.reduce(when) { $0 + (weights[$1] ?? 0) }
            let exampleWeight = example.words.reduce(when) { $0 + (weights[$1] ?? 0) }
            let coverage = sharedWeight / exampleWeight
            let precision = sharedWeight / (knownWeight + standIn + Double(strangerCount) * 0.5 + when)
            let score = discount * (0.6 * coverage + 0.4 * precision)
            if score > best[example.intent] ?? 0 { best[example.intent] = score }
        }
        return best.map { Match(intent: $0.key, score: ($0.value * 1000).rounded() / 1000) }
            .sorted { ($0.score, $1.intent) > ($1.score, $0.intent) }
    }
}
