import RingsideCore
import Speech

/// The phone-call corpus: appointments, order numbers, dates, times, names, digits, yes/no and
/// corrections, with some mid-turn pauses where callers hesitate. Deterministic from its seed.
enum SpeechCorpus {
    static let names = ["maria garcia", "john smith", "david lee", "sarah johnson", "michael brown", "linda martinez",
                        "james wilson", "karen taylor", "robert anderson", "susan thomas", "peter clark", "emma lewis"]
    static let weekdays = CalendarNames.workdays
    static let months = CalendarNames.months
    static let hours = ["nine", "ten", "eleven", "one", "two", "three", "four"]
    static let digitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    static func build(count: Int = 120, voices: [String], seed: UInt64 = 2026) -> [CorpusUtterance] {
        var rng = SplitMix64(seed: seed)
        func pick(_ a: [String]) -> String { a[Int(rng.next() % UInt64(a.count))] }
        func digits(_ n: Int) -> [String] { (0..<n).map { _ in pick(digitWords) } }
        func day() -> String { SpokenText.ordinal(Int(rng.next() % 28) + 1) }
        var out: [CorpusUtterance] = []
        var i = 0
        while out.count < count {
            let kind = i % 12
            var u: (String, [String], [Int], RecognitionExpectation?)
            switch kind {
            case 0: u = ("appointment", ["i'd like to book an appointment for next \(pick(weekdays))"], [], nil)
            case 1: u = ("appointment", ["can i see the doctor on \(pick(weekdays)) at \(pick(hours)) p m"], [], nil)
            case 2:
                let d = digits(6)
                u = ("order", ["my order number is \(d[0..<3].joined(separator: " "))", d[3..<6].joined(separator: " ")], [600], .digits(count: 6))
            case 3: u = ("digits", [digits(5).joined(separator: " ")], [], .digits(count: 5))
            case 4: u = ("date", ["the \(day()) of \(pick(months))"], [], .date)
            case 5: u = ("time", ["at \(pick(hours)) thirty in the morning"], [], .time)
            case 6: u = ("name", ["my name is \(pick(names))"], [], nil)
            case 7: u = ("yesno", [pick(["yes that's right", "no that's wrong", "yes please", "no thank you", "yes", "no"])], [], .yesNo)
            case 8: u = ("correction", ["no not \(pick(weekdays))", "i said \(pick(weekdays))"], [450], nil)
            case 9: u = ("hesitation", ["i need to cancel my appointment and", "book a new one for \(pick(weekdays))"], [700], nil)
            case 10: u = ("hesitation", ["um", "i want to change the time to \(pick(hours)) o'clock"], [500], nil)
            default: u = ("name", ["the appointment is for \(pick(names))", "on \(pick(months)) \(day())"], [350], nil)
            }
            out.append(CorpusUtterance(id: out.count, category: u.0, segments: u.1, pausesMs: u.2, expectation: u.3,
                                       voice: voices[out.count % voices.count]))
            i += 1
        }
        return out
    }

    /// A clinic vocabulary for the domain-adapted row: template phrases with other fillers, so
    /// the benchmark sentences themselves are never in the model.
    static func vocabulary() -> DomainVocabulary {
        DomainVocabulary(
            phrases: ["I'd like to book an appointment", "I'd like to book an appointment for tomorrow",
                      "can I see the doctor on Friday", "can I see the nurse at ten am", "my order number is",
                      "I need to cancel my appointment", "book a new one", "I want to change the time",
                      "the appointment is for my son", "my name is", "no not that one", "I said next week",
                      "yes that's right", "no thank you", "at nine thirty in the morning", "the first of June"],
            slotValues: names + ["doctor patel", "the nurse", "the dentist"]
        )
    }
}
