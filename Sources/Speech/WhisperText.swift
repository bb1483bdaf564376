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
            var token = clockTime(raw, previous: index > 0 ? tokens[index - 1] : nil, next: index + 1 < tokens.count ? tokens[index + 1] : nil)
            if token.hasPrefix("$") {
                token.removeFirst()
                dollarsPending = true
            }
            for w in SpokenText.words(token) {
                words.append(contentsOf: abbreviations[w] ?? [w])
            }
            if dollarsPending, token.contains(where: \.isNumber) {
                words.append("dollars")
                dollarsPending = false
            }
        }
        return words.joined(separator: " ")
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

    /// The initial prompt that biases Whisper towards the agent's words: its names and values (as
    /// written), the options the dialogue expects now. Bounded well below the decoder's 224-token
    /// limit for prompts.
    public static func prompt(vocabulary: [String], expectation: RecognitionExpectation?) -> String? {
        var items: [String] = []
        var seen = Set<String>()
        func add(_ s: String) {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, seen.insert(t.lowercased()).inserted else { return }
            items.append(t)
        }
        if case let .oneOf(options) = expectation { options.forEach(add) }
        vocabulary.forEach(add)
        var out = ""
        for item in items {
            let next = out.isEmpty ? item : out + ", " + item
            if next.count > 600 { break }
            out = next
        }
        return out.isEmpty ? nil : out + "."
    }
}
