import RingsideCore

/// Example sentences for what a dialogue can expect, used to build the boosted language model
/// the recogniser listens with for the next utterance. Deterministic: same input, same sentences.
public enum ExpectationCorpus {
    static let digitWords = Array(SpokenText.units.prefix(10)) + ["oh"]
    static let weekdays = CalendarNames.weekdays
    static let months = CalendarNames.months
    static let yesWords = ["yes", "yeah", "yep", "sure", "correct", "right", "okay", "absolutely", "definitely"]
    static let noWords = ["no", "nope", "nah", "incorrect", "wrong"]

    /// Sentences for `expectation`; empty for `.open`.
    public static func sentences(for expectation: RecognitionExpectation) -> [[String]] {
        switch expectation {
        case .open: return []
        case .yesNo: return yesNo()
        case .digits(let count): return digits(count: count)
        case .number: return numbers()
        case .date: return dates()
        case .time: return times()
        case .oneOf(let options): return oneOf(options)
        }
    }

    static func yesNo() -> [[String]] {
        var s: [[String]] = []
        for w in yesWords + noWords { s.append([w]); s.append([w, "please"]); s.append([w, "thanks"]); s.append([w, "thank", "you"]) }
        s += [["yes", "it", "is"], ["no", "it", "isn't"], ["that's", "right"], ["that's", "correct"], ["that's", "wrong"],
              ["yes", "that's", "right"], ["no", "that's", "not", "right"], ["no", "that's", "wrong"], ["yes", "i", "do"],
              ["no", "i", "don't"], ["yes", "please", "do"], ["no", "not", "really"], ["of", "course"], ["not", "at", "all"],
              ["yes", "that's", "correct"], ["no", "that's", "not", "correct"], ["yes", "that", "works"], ["no", "that", "doesn't", "work"]]
        return s
    }

    /// Every digit pair inside carrier phrases, so any digit can follow any other; strings of the
    /// expected length when it is known.
    static func digits(count: Int?) -> [[String]] {
        var s: [[String]] = []
        let carriers: [[String]] = [[], ["it's"], ["it", "is"], ["my", "order", "number", "is"], ["the", "number", "is"],
                                    ["order", "number"], ["my", "number", "is"], ["it's", "order"]]
        var rng = SplitMix64(seed: 0xD161)
        let length = count ?? 6
        for c in carriers {
            for _ in 0..<25 {
                s.append(c + (0..<length).map { _ in SpokenText.units[Int(rng.next() % 10)] })
            }
        }
        for a in 0..<10 { for b in 0..<10 { s.append([SpokenText.units[a], SpokenText.units[b]]) } }
        for a in 0..<10 { s.append(["oh", SpokenText.units[a]]); s.append([SpokenText.units[a], "oh"]) }
        return s
    }

    static func numbers() -> [[String]] {
        var s: [[String]] = []
        for n in 0...120 { s.append(SpokenText.cardinal(n)); s.append(["about"] + SpokenText.cardinal(n)) }
        for n in stride(from: 100, through: 1000, by: 50) { s.append(SpokenText.cardinal(n)) }
        return s
    }

    static func dates() -> [[String]] {
        var s: [[String]] = []
        for d in weekdays {
            s += [[d], ["next", d], ["this", d], ["on", d], ["on", "next", d], ["this", "coming", d], ["next", d, "please"]]
        }
        for (i, m) in months.enumerated() {
            for day in [1, 2, 3, 4, 5, 8, 10, 12, 15, 17, 20, 21, 22, 23, 25, 28, 30, 31] where (day + i) % 3 != 1 {
                let o = SpokenText.ordinal(day).split(separator: " ").map(String.init)
                s.append([m] + o)
                s.append(["the"] + o + ["of", m])
                s.append(["on", m] + o)
            }
        }
        s += [["today"], ["tomorrow"], ["the", "day", "after", "tomorrow"], ["next", "week"], ["tomorrow", "morning"],
              ["tomorrow", "afternoon"], ["next", "week", "sometime"], ["as", "soon", "as", "possible"]]
        return s
    }

    static func times() -> [[String]] {
        var s: [[String]] = []
        for h in 1...12 {
            let hw = SpokenText.cardinal(h)
            for tail: [String] in [["o'clock"], ["am"], ["pm"], ["thirty"], ["fifteen"], ["forty", "five"], ["thirty", "pm"], ["in", "the", "morning"], ["in", "the", "afternoon"]] {
                s.append(hw + tail)
                s.append(["at"] + hw + tail)
            }
        }
        s += [["noon"], ["at", "noon"], ["midday"], ["in", "the", "morning"], ["in", "the", "afternoon"], ["any", "time"], ["after", "lunch"]]
        return s
    }

    static func oneOf(_ options: [String]) -> [[String]] {
        var s: [[String]] = []
        for o in options {
            let w = SpokenText.words(o)
            guard !w.isEmpty else { continue }
            s += [w, ["it's"] + w, w + ["please"], ["the", "one", "for"] + w, ["for"] + w, ["i'd", "like"] + w]
        }
        return s
    }
}
