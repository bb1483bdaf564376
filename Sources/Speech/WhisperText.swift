import Foundation
import RingsideCore

/// Whisper's text made into what Ringside's brains and graders read — lower-case spoken words, digits
/// and times spelled out ("10:30" → "ten thirty", "2 p.m." → "two pm") — and the guards against what
/// Whisper does wrong: lines it invents from silence or noise, and repetition loops.
public enum WhisperText {
    /// Written abbreviations Whisper uses for words callers say.
    static let abbreviations: [String: [String]] = [
        "dr": ["doctor"], "mr": ["mister"], "mrs": ["missus"], "ms": ["miss"], "&": ["and"], "ok": ["okay"],
    ]

    /// Spoken words for Whisper's written text.
    public static func spoken(_ text: String) -> String {
        withoutEchoedDayNumbers(clockHomophones(in: digitHomophones(in: writtenWords(text)))).joined(separator: " ")
    }

    /// The days of the month as spoken: cardinal words and ordinal words, 1 to 31.
    private static let dayWords: [(cardinal: [String], ordinal: [String])] = (1...31).map {
        (SpokenText.cardinal($0), SpokenText.ordinal($0).split(separator: " ").map(String.init))
    }

    /// Whisper sometimes writes a day of the month twice, first as a number: "13, the 13th of March",
    /// "2 the 2nd of February" for a caller who said it once. A day's number right before "the" and
    /// that day's ordinal is that echo, and goes; anything else between them, or another day, stays.
    static func withoutEchoedDayNumbers(_ words: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            let echo = dayWords.first { day in
                let the = i + day.cardinal.count
                return words[i...].starts(with: day.cardinal) && the < words.count && words[the] == "the"
                    && words[(the + 1)...].starts(with: day.ordinal)
            }
            if let echo { i += echo.cardinal.count; continue }
            out.append(words[i])
            i += 1
        }
        return out
    }

    /// Written text as the words said — "10.30" "ten thirty", "Dr" "doctor", "$5" "five dollars" —
    /// without reading homophones as digits (which only Whisper's text needs, and a scorer must not do).
    static func writtenWords(_ text: String) -> [String] {
        var prepared = ""
        for ch in text {
            switch ch {
            case "%": prepared += " percent"
            case "&": prepared += " and "
            case "$": prepared += " $"
            case "—", "–", "…": prepared += " "
            default: prepared.append(ch)
            }
        }
        var words: [String] = []
        var dollarsPending = false
        let tokens = prepared.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        for (index, raw) in tokens.enumerated() {
            let previous = index > 0 ? tokens[index - 1] : nil, next = index + 1 < tokens.count ? tokens[index + 1] : nil
            var token = dayOfMonth(clockTime(raw, previous: previous, next: next), previous: previous, next: next)
            if token.hasPrefix("$") {
                token.removeFirst()
                dollarsPending = true
            }
            if let month = monthName(abbreviated: token, next: next) {
                words.append(month)
                continue
            }
            for w in SpokenText.words(token) {
                words.append(contentsOf: abbreviations[w] ?? [w])
            }
            if dollarsPending, token.contains(where: \.isNumber) {
                words.append("dollars")
                dollarsPending = false
            }
        }
        return words
    }

    static let clockMarkers: Set<String> = ["am", "pm", "oclock", "o'clock"]

    /// Before "am", "pm" or "o'clock" the homophone is the hour: "to pm" is "two pm", "for o'clock"
    /// "four o'clock" (no English phrase puts "to" or "for" there). Elsewhere the words stay.
    static func clockHomophones(in words: [String]) -> [String] {
        var out = words
        for i in out.indices.dropLast() where clockMarkers.contains(out[i + 1]) {
            if let digit = digitHomophones[out[i]] { out[i] = digit }
        }
        return out
    }

    static let digitWords: Set<String> = ["zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    /// Words Whisper writes for a digit said in a run of digits ("nine to zero" for "nine two zero").
    static let digitHomophones: [String: String] = ["to": "two", "too": "two", "for": "four", "fore": "four", "won": "one", "ate": "eight"]

    /// Inside a spoken digit string the homophone is the digit: a run of four or more words, each a
    /// digit or a homophone of one, at least two of them real digits, the run starting on a digit.
    /// "nine to zero to" reads 9 2 0 2; "from nine to five", "one to one" (three words) keep their "to".
    static func digitHomophones(in words: [String]) -> [String] {
        var out = words
        var i = 0
        while i < out.count {
            guard digitWords.contains(out[i]) else { i += 1; continue }
            var end = i
            while end + 1 < out.count, digitWords.contains(out[end + 1]) || digitHomophones[out[end + 1]] != nil { end += 1 }
            let run = i...end
            if run.count >= 4, run.filter({ digitWords.contains(out[$0]) }).count >= 2 {
                for j in run { if let digit = digitHomophones[out[j]] { out[j] = digit } }
            }
            i = end + 1
        }
        return out
    }

    static let timeWords: Set<String> = ["at", "by", "around", "from", "until", "till", "til", "after", "before", "about", "to"]

    /// Whisper writes times as "10.30", "1030" or "10:30": the first two become "10:30" when they are
    /// clock times — after "at", "by", "around"… or before am/pm/o'clock — so they are read "ten thirty".
    static func clockTime(_ token: String, previous: String?, next: String?) -> String {
        let core = token.prefix { $0.isNumber || $0 == "." || $0 == ":" }
        let rest = token.dropFirst(core.count)
        var digits = String(core)
        while digits.hasSuffix(".") { digits.removeLast() }
        guard !digits.isEmpty, !digits.contains(":") else { return token }
        let prev = previous.map { String($0.lowercased().filter(\.isLetter)) } ?? ""
        let nextWord = next.map { $0.lowercased().filter { $0.isLetter } } ?? ""
        let marked = timeWords.contains(prev) || ["am", "pm", "oclock"].contains(nextWord)
            || ["am", "pm", "a.m", "p.m", "a.m.", "p.m."].contains(rest.lowercased())
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        var hour: Int?, minute: Int?
        if parts.count == 2, parts[1].count == 2 {
            (hour, minute) = (Int(parts[0]), Int(parts[1]))
        } else if parts.count == 1, marked, (3...4).contains(digits.count) {
            (hour, minute) = (Int(digits.dropLast(2)), Int(digits.suffix(2)))
        }
        guard let h = hour, let m = minute, (0...23).contains(h), (0...59).contains(m) else { return token }
        guard parts.count == 2 ? (marked || h <= 12) : true else { return token }
        return "\(h):" + (m < 10 ? "0\(m)" : "\(m)") + rest
    }

    static let months = Set(CalendarNames.months + ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"])

    /// Whisper writes a month said in full as "Jan." or "Sept" before a number: the caller said
    /// "January". Only with its full stop or a number after it ("Jun" alone may be a name, "mar" a verb).
    static func monthName(abbreviated token: String, next: String?) -> String? {
        let letters = token.lowercased().filter(\.isLetter)
        guard letters.count >= 3, letters.count <= 4, token.first?.isUppercase == true,
              let full = ExpectationCorpus.months.first(where: { $0.hasPrefix(letters) && $0 != letters }),
              letters.count == 3 || letters == "sept" else { return nil }
        let stopped = token.hasSuffix(".") && token.dropLast().allSatisfy(\.isLetter)
        let numberAfter = next?.first?.isNumber == true && token.allSatisfy(\.isLetter)
        return stopped || numberAfter ? full : nil
    }

    /// "July 15" and "15 July" are read "July fifteenth": a day number beside a month name is an ordinal.
    static func dayOfMonth(_ token: String, previous: String?, next: String?) -> String {
        let digits = token.prefix { $0.isNumber }
        let rest = token.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 2, let day = Int(digits), (1...31).contains(day),
              rest.allSatisfy({ $0 == "," || $0 == "." }) else { return token }
        let word = { (t: String?) in t.map { $0.lowercased().filter(\.isLetter) } ?? "" }
        let prevWord = word(previous), nextWord = word(next)
        guard months.contains(prevWord) || months.contains(nextWord) || (prevWord == "the" && nextWord == "of") else { return token }
        return "\(day)th" + rest
    }

    /// Whisper's decoder sometimes says the same sentence again and again (more so with a short
    /// audio window): consecutive repeats of a sentence are one sentence.
    public static func collapsingRepeats(_ text: String) -> String {
        var sentences: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            if ch == "." || ch == "?" || ch == "!" {
                sentences.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { sentences.append(current) }
        var out: [String] = []
        func key(_ s: String) -> String { SpokenText.words(s).joined(separator: " ") }
        for s in sentences {
            let k = key(s)
            if k.isEmpty { continue }
            if let last = out.last, key(last) == k { continue }
            // A near repeat (the same sentence decoded twice over a glitch, a word changed): the later stands.
            if let last = out.last, k.split(separator: " ").count >= 4,
               WordErrorRate(reference: key(last), hypothesis: k).rate <= 0.35 {
                out[out.count - 1] = s
                continue
            }
            // A cut-off repeat at the end of the cap ("Where is my order? Where is my") is the loop too.
            if let last = out.last, s == sentences.last, !s.contains(where: { ".?!".contains($0) }), key(last).hasPrefix(k) { continue }
            out.append(s)
        }
        return out.joined()
    }

    /// A phrase said again and again with no sentence break — four or more words twice in a row
    /// ("Actually no, I'll keep it, actually no, I'll keep it"), or two or more words three times
    /// ("John Smith, John Smith, John Smith, John") — is Whisper going round again on a clip that
    /// ends soon after the speech: said once, with a last copy cut off at the token cap dropped. The
    /// shortest repeating phrase is taken, so a loop is collapsed whole, never into a shorter loop.
    /// Digit strings are left to `collapsingDigitLoop` (a number read twice is the caller's, unless
    /// the decode ran away); text with nothing repeated is returned as it was.
    public static func collapsingPhraseRepeat(_ text: String) -> String {
        var tokens = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var keys = tokens.map { SpokenText.words($0).joined(separator: " ") }
        var changed = false
        var i = 0
        while i < tokens.count {
            var collapsedHere = false
            var u = 2
            while i + 2 * u <= tokens.count {
                let unit = keys[i..<(i + u)]
                func copy(at k: Int) -> Bool { i + (k + 1) * u <= keys.count && keys[(i + k * u)..<(i + (k + 1) * u)].elementsEqual(unit) }
                var copies = 1
                while copy(at: copies) { copies += 1 }
                // A unit that is itself one shorter phrase again ("bee bee") is no phrase: one word said
                // over and over is a runaway decode for the guards, not something to say once.
                let periodic = (1..<u).contains { d in u % d == 0 && (d..<u).allSatisfy { unit[unit.startIndex + $0] == unit[unit.startIndex + $0 - d] } }
                if copies >= 2, u >= 4 || copies >= 3, !periodic, tokens[i..<(i + u)].contains(where: { $0.contains(where: \.isLetter) }) {
                    var end = i + copies * u
                    // A last copy cut off by the cap ("… John Smith, John").
                    let rest = keys[end...]
                    if !rest.isEmpty, rest.count < u, unit.starts(with: rest) { end = keys.count }
                    tokens.removeSubrange((i + u)..<end)
                    keys.removeSubrange((i + u)..<end)
                    changed = true
                    collapsedHere = true
                    break
                }
                u += 1
            }
            if !collapsedHere { i += 1 }
        }
        return changed ? tokens.joined(separator: " ") : text
    }

    /// A decode that ran to its token cap saying a string of digits again and again ("1 0 4 3 1 1 0 4
    /// 3 1 1 0 4…", which a prompt of order numbers brings on): the string once, and nothing after it
    /// (the rest is the loop). Nil without such a loop. Only for capped decodes: a caller may really
    /// say "5 5 5 5 5 5 1 2 3 4", and a decode that stopped by itself is taken as it is.
    public static func collapsingDigitLoop(_ text: String) -> String? {
        let tokens = text.split(separator: " ").map(String.init)
        func core(_ t: String) -> String { t.trimmingCharacters(in: .punctuationCharacters) }
        func isDigit(_ t: String) -> Bool { let c = core(t); return c.count == 1 && c.first!.isNumber }
        guard let start = tokens.firstIndex(where: isDigit) else { return nil }
        let run = tokens[start...].prefix(while: isDigit).map(core)
        guard run.count >= 6 else { return nil }
        for length in 3...(run.count / 2) where Array(run[length..<2 * length]) == Array(run[0..<length]) {
            return (tokens[..<start] + run[0..<length]).joined(separator: " ")
        }
        return nil
    }

    /// The agent's own longer words, from its example phrases: what makes its domain (≤ 40).
    public static func domainWords(from phrases: [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for phrase in phrases {
            for w in SpokenText.words(phrase) where w.count >= 6 && !w.contains("'") && seen.insert(w).inserted {
                out.append(w)
                if out.count == 40 { return out }
            }
        }
        return out
    }

    /// A spoken date names a month, a weekday, an ordinal day or a relative day.
    static func looksLikeDate(_ text: String) -> Bool {
        let words = TranscriptNormalizer.normalize(text)
        let weekdays = Set(CalendarNames.weekdays)
        return words.contains { months.contains($0) || weekdays.contains($0) || ["today", "tomorrow"].contains($0)
            || SpokenText.ordinalUnits.contains($0) || SpokenText.ordinalTens.contains($0) }
    }

    /// The longest run of spoken digits in `text`.
    static func longestDigitRun(_ text: String) -> Int {
        var best = 0, run = 0
        for w in TranscriptNormalizer.normalize(text) {
            if SpokenText.digitValue(w) != nil { run += 1; best = max(best, run) } else { run = 0 }
        }
        return best
    }

    /// In an open answer, both passes heard a digit string and disagree on its length: when only the
    /// streaming pass's has a length the agent's digit slots use (a five-digit order number), it stands.
    public static func digitLengthPreference(whisper: String, streaming: String, lengths: Set<Int>) -> Bool {
        guard !lengths.isEmpty else { return false }
        let (w, st) = (longestDigitRun(whisper), longestDigitRun(streaming))
        return w >= 2 && st != w && lengths.contains(st) && !lengths.contains(w)
    }

    /// The kind of closed answer for which the streaming pass's words should stand over Whisper's, or nil.
    public static func closedAnswerPreference(expectation: RecognitionExpectation?, whisper: String, streaming: String,
                                              streamingInterpretation: String?) -> String? {
        guard let expectation else { return nil }
        let whisperAnswer = ExpectationInterpreter.interpret(whisper, as: expectation)
        if case let .digits(count?) = expectation, whisperAnswer == nil {
            // Neither may have the length asked for: the one nearer to it is the better reading.
            if streamingInterpretation != nil { return "digits" }
            func digitCount(_ text: String) -> Int { TranscriptNormalizer.normalize(text).compactMap(SpokenText.digitValue).count }
            let (w, st) = (digitCount(whisper), digitCount(streaming))
            return st > 0 && abs(st - count) < abs(w - count) ? "digits" : nil
        }
        if expectation == .date, !looksLikeDate(whisper), looksLikeDate(streaming) { return "date" }
        guard let streamingAnswer = streamingInterpretation else { return nil }
        switch expectation {
        case .digits(count: .some), .yesNo:
            return whisperAnswer == nil ? (expectation == .yesNo ? "yes or no" : "digits") : nil
        case let .oneOf(options):
            guard whisperAnswer != streamingAnswer else { return nil }
            func complete(_ option: String?, in text: String) -> Bool {
                guard let option else { return false }
                let said = Set(TranscriptNormalizer.normalize(text))
                return SpokenText.words(option).allSatisfy(said.contains)
            }
            _ = options
            return complete(streamingAnswer, in: streaming) && !complete(whisperAnswer, in: whisper) ? "option" : nil
        default:
            return nil
        }
    }

    /// Lines Whisper is known to produce from silence, breath or noise (its training data's subtitles).
    static let phantomLines: Set<String> = [
        "you", "thank you", "thanks", "thank you very much", "thanks for watching", "thank you for watching",
        "bye", "okay", "so", "the", "oh", "uh", "um", "hmm", "i", "music", "applause", "silence", "subtitles by",
        "please subscribe", "thank you so much",
    ]

    /// Why a decode must not reach the brain as the caller's words, or `nil` when it may.
    /// `streamingText` is what the streaming recogniser heard in the same audio.
    public static func rejection(of outcome: WhisperOutcome, spoken: String, streamingText: String, maxTokens: Int) -> String? {
        if spoken.isEmpty { return nil }
        if outcome.tokens >= maxTokens { return "token cap reached (\(maxTokens))" }
        if repetition(in: spoken) != nil { return "repetition loop" }
        if outcome.noSpeechProbability > 0.6, outcome.meanTokenProbability < 0.6 {
            return "no speech (p=\(Int(outcome.noSpeechProbability * 100))%)"
        }
        if outcome.meanTokenProbability < 0.4 {
            return "unsure (mean token p=\(Int(outcome.meanTokenProbability * 100))%)"
        }
        if phantomLines.contains(spoken), streamingText.isEmpty || outcome.meanTokenProbability < 0.5 {
            return "a line Whisper invents from noise"
        }
        return nil
    }

    /// A phrase of one to four words repeated four or more times in a row, if any.
    static func repetition(in text: String) -> String? {
        let words = text.split(separator: " ").map(String.init)
        for n in 1...4 where words.count >= n * 4 {
            var i = 0
            while i + n * 4 <= words.count {
                let phrase = Array(words[i..<i + n])
                var repeats = 1
                var j = i + n
                while j + n <= words.count, Array(words[j..<j + n]) == phrase {
                    repeats += 1
                    j += n
                }
                if repeats >= 4 { return phrase.joined(separator: " ") }
                i += 1
            }
        }
        return nil
    }

    /// Which of the agent's words go into Whisper's prompt.
    public enum PromptScope: Sendable {
        /// The agent's names and values only before an answer that is expected to be one of them (the
        /// options of the question just asked); its domain words before every answer. Names before
        /// an order number or a yes are words Whisper can put in the caller's mouth.
        case perExpectation
        /// Every name and value before every answer (the prompt before per-expectation scoping; the
        /// speech bench compares the two).
        case everything
    }

    /// The initial prompt that biases Whisper towards the agent's words: the options the dialogue
    /// expects now, the words of the kind of answer expected (weekdays for a date), the agent's names
    /// and values (as written; with `.perExpectation` only as those options), then the agent's own
    /// longer words (its domain: "courier", "reschedule").
    /// Bounded by `limit` characters (at most ≈ 150 tokens, below the decoder's 224-token limit for
    /// prompts): every prompt token is decoded before the caller's words, so the prompt is latency.
    public static func prompt(vocabulary: [String], domainWords: [String] = [], expectation: RecognitionExpectation?,
                              scope: PromptScope = .perExpectation, limit: Int = 600) -> String? {
        var items: [String] = []
        var seen = Set<String>()
        func add(_ s: String) {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, seen.insert(t.lowercased()).inserted else { return }
            items.append(t)
        }
        switch expectation {
        case let .oneOf(options)?: options.forEach(add)
        case .date?: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "the 5th of March"].forEach(add)
        case .time?: ["9 am", "half past two", "3:30 pm", "noon"].forEach(add)
        default: break
        }
        if scope == .everything { vocabulary.forEach(add) }
        domainWords.forEach(add)
        var out = ""
        for item in items {
            let next = out.isEmpty ? item : out + ", " + item
            if next.count > limit { break }
            out = next
        }
        return out.isEmpty ? nil : out + "."
    }
}
