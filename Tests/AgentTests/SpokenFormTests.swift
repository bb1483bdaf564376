import Testing
@testable import Agent

/// Spoken dates, times, digits, names and yes/no, against a fixed "today" (Monday 2 March 2026).
@Suite struct SpokenFormTests {
    let today = CalendarDay(year: 2026, month: 3, day: 2)!

    @Test(arguments: [
        ("tomorrow", "2026-03-03"), ("today", "2026-03-02"), ("the day after tomorrow", "2026-03-04"),
        ("next Tuesday", "2026-03-03"), ("on Friday", "2026-03-06"), ("Monday", "2026-03-09"),
        ("the fourth of March", "2026-03-04"), ("March 4th", "2026-03-04"), ("the 1st of March", "2027-03-01"),
        ("March 4th 1980", "1980-03-04"), ("the fourth of March nineteen eighty", "1980-03-04"),
        ("21 November 1975", "1975-11-21"), ("the twenty first of November nineteen seventy five", "1975-11-21"),
        ("2026-03-05", "2026-03-05"), ("3/4/1980", "1980-03-04"), ("two thousand and five, June 3rd", "2026-06-03"),
        ("June 3rd two thousand and five", "2005-06-03"), ("the 10th", "2026-03-10"),
        ("November the twenty first nineteen seventy five", "1975-11-21"), ("March the 5th", "2026-03-05"),
    ] as [(String, String?)])
    func dates(_ said: String, _ expected: String?) {
        #expect(SpokenDate.parse(said, today: today)?.iso == expected)
    }

    @Test(arguments: [
        ("three pm", true, "15:00"), ("3 pm", false, "15:00"), ("3pm", false, "15:00"), ("half past two", false, "14:30"),
        ("quarter to four", false, "15:45"), ("10:30", false, "10:30"), ("ten thirty", true, "10:30"),
        ("nine am", false, "09:00"), ("noon", false, "12:00"), ("at two", false, "14:00"), ("two", true, "14:00"),
        ("two", false, nil), ("nine o'clock in the morning", false, "09:00"), ("twenty past eleven", false, "11:20"),
        // 24-hour forms, and the digits of one read out.
        ("fifteen thirty", false, "15:30"), ("seventeen hundred", false, "17:00"), ("fifteen", true, nil),
        ("one zero three zero", true, "10:30"), ("at one four four five", false, "14:45"), ("one zero four two seven", true, nil),
        // An hour heard as a word that sounds like it, only where an hour must stand.
        ("half past free", false, "15:30"), ("at for pm", false, "16:00"), ("are you free", true, nil), ("book for thirty minutes", false, nil),
    ] as [(String, Bool, String?)])
    func times(_ said: String, _ expected: Bool, _ result: String?) {
        #expect(SpokenTime.parse(said, expected: expected) == result)
    }

    /// A sentence naming several days gives them all, first as `parse` would; a day the caller rules
    /// out ("I can't make Thursday") is marked as such.
    @Test func severalDaysInOneSentence() {
        let said = "Hi, this is Wei Chen, born the fifteenth of July nineteen ninety, I'd like Friday at two"
        #expect(SpokenDate.mentions(said, today: today).map(\.day.iso) == ["1990-07-15", "2026-03-06"])
        let words = SpokenText.tokens("I can't make my appointment on Thursday, could I do Friday")
        let mentions = SpokenDate.mentions("I can't make my appointment on Thursday, could I do Friday", today: today)
        #expect(mentions.map { Negation.precedes($0.words, in: words) } == [true, false])
    }

    @Test(arguments: [
        ("four two seven one", "4271"), ("one oh four two seven", "10427"), ("double seven three", "773"),
        ("my order is 10427", "10427"), ("1 0 4 2 7", "10427"), ("forty two seventy one", "4271"),
    ])
    func digits(_ said: String, _ expected: String) {
        #expect(SpokenDigits.parse(said) == expected)
    }

    /// What the recogniser writes for digits in a run ("of" for "oh", "on" for "one", "far" for
    /// "four") is repaired only when that gives the length asked for.
    @Test(arguments: [
        ("one of four two seven", "10427"), ("on zero four two nine", "10429"), ("one zero far two seven", "10427"),
        ("one oh four two seven", "10427"), ("one zero four three one", "10431"),
    ])
    func digitsOfAKnownLength(_ said: String, _ expected: String) {
        #expect(SpokenDigits.parse(said, length: 5) == expected)
    }

    @Test func soundAlikesAreNotDigitsOnTheirOwn() {
        #expect(SpokenDigits.parse("one of four two seven") != "10427", "without a length, the words stay as heard")
        #expect(SpokenDigits.parse("I want to return it for a refund", length: 5) == nil)
        #expect(SpokenDigits.parse("one two three four", length: 5) == nil)
        #expect(SpokenDigits.parse("one of four two seven", length: 4) == nil)
    }

    @Test func numbers() {
        #expect(SpokenText.number(SpokenText.tokens("one hundred and twenty"), at: 0)?.value == 120)
        #expect(SpokenText.number(SpokenText.tokens("forty two"), at: 0)?.value == 42)
        #expect(SpokenText.number(SpokenText.tokens("two thousand and five"), at: 0)?.value == 2005)
    }

    @Test func yesNo() {
        #expect(YesNo.parse("yes please") == true)
        #expect(YesNo.parse("yeah go ahead") == true)
        #expect(YesNo.parse("no thanks") == false)
        #expect(YesNo.parse("nope") == false)
        #expect(YesNo.parse("no, that's not right") == false)
        #expect(YesNo.parse("Wednesday") == nil)
        // A lone "yes" or "no" as another accent is heard is the answer; the same word inside a sentence is not.
        #expect(YesNo.parse("us") == true)
        #expect(YesNo.parse("Yus.") == true)
        #expect(YesNo.parse("know") == false)
        #expect(YesNo.parse("send it to us") == nil)
        #expect(YesNo.parse("I know") == nil)
    }

    @Test func names() {
        let known = ["John Smith", "Maria Garcia", "Wei Chen"]
        #expect(NameMatcher.best(in: "it's john smith", among: known) == "John Smith")
        #expect(NameMatcher.best(in: "this is Maria Garsia", among: known) == "Maria Garcia")
        #expect(NameMatcher.best(in: "John", among: known) == nil)
        #expect(NameMatcher.freeName("my name is ada lovelace", expected: false) == "Ada Lovelace")
    }

    @Test func classifierIsDeterministicAndRanks() throws {
        let agent = try Fixtures.loadAgent("clinic")
        let classifier = IntentClassifier(intents: agent.intents)
        let first = classifier.rank("I'd like to book an appointment for next Tuesday")
        #expect(first.first?.intent == "book")
        #expect(first == classifier.rank("I'd like to book an appointment for next Tuesday"))
        #expect(classifier.rank("can I move my appointment to Friday").first?.intent == "reschedule")
        #expect(classifier.rank("when do you open on Saturday").first?.intent == "hours")
        #expect(classifier.rank("purple monkey dishwasher").isEmpty)
    }

    /// A correction inside a request does not hide it: the request ranks as it would with the
    /// correction applied, at the agent's own threshold or above. An inflected word ranks as its base
    /// form does ("cancelling" as "cancel", "refunded" as "refund"), and a preposition ("calling about
    /// my parcel") points to no intent.
    @Test(arguments: [
        ("clinic", "I'd like to book Monday at ten, sorry, I mean eleven", "book"),
        ("clinic", "could I make an appointment for Friday, no wait, Thursday", "book"),
        ("clinic", "I need to move my appointment to the fifth, actually I meant the sixth", "reschedule"),
        ("clinic", "are you open on Saturday, oops, Sunday I mean", "hours"),
        ("orders", "where is my order one oh four two eight, no sorry, one oh four two seven", "status"),
        ("orders", "I'd like to return the blue one, scratch that, the red one", "return"),
        ("clinic", "I was thinking of cancelling my appointment", "cancel"),
        ("clinic", "I'm ringing about my appointment, I need it cancelled", "cancel"),
        ("clinic", "my appointment needs postponing", "reschedule"),
        ("clinic", "could you have it rescheduled", "reschedule"),
        ("orders", "the parcel arrived damaged and I want it refunded", "return"),
        ("orders", "I'm calling about my parcel", "status"),
    ])
    func aRequestRanksAsItsIntent(_ agentName: String, _ said: String, _ intent: String) throws {
        let agent = try Fixtures.loadAgent(agentName)
        let top = IntentClassifier(intents: agent.intents).rank(said).first
        #expect(top?.intent == intent && (top?.score ?? 0) >= agent.policies.confidenceThreshold, "\(said) → \(String(describing: top))")
    }

    /// The words that take something back are left out only between words: a leading "sorry" asks.
    @Test func correctionMarkersAreLeftOutOnlyInsideASentence() {
        #expect(SelfCorrection.withoutMarkers(SpokenText.tokens("Monday at ten, sorry, I mean eleven")) == ["monday", "at", "ten", "eleven"])
        #expect(SelfCorrection.withoutMarkers(SpokenText.tokens("sorry, can you repeat that")) == ["sorry", "can", "you", "repeat", "that"])
        #expect(SelfCorrection.withoutMarkers(SpokenText.tokens("oh no sorry what was that")) == ["oh", "no", "sorry", "what", "was", "that"])
        #expect(SelfCorrection.withoutMarkers(SpokenText.tokens("I'm not that sure")) == ["i'm", "not", "that", "sure"])
    }

    @Test func sentenceSplitterStreams() {
        var splitter = SentenceSplitter()
        #expect(splitter.feed("Sure. We open at 8").isEmpty == false)
        #expect(splitter.feed(" am on Monday. Dr. Lee is in") == ["We open at 8 am on Monday."])
        #expect(splitter.finish() == ["Dr. Lee is in"])
        #expect(SentenceSplitter.split("It costs 3.50 dollars. Okay?") == ["It costs 3.50 dollars.", "Okay?"])
    }

    /// A correction in one breath keeps what was said last, for every kind of slot that takes values.
    @Test(arguments: [
        ("Tuesday, no, Wednesday", SlotType.date, "2026-03-04"),
        ("on the fifth, sorry, I mean the sixth", SlotType.date, "2026-03-06"),
        ("no not Tuesday, I said Thursday", SlotType.date, "2026-03-05"),
        ("10428, no sorry, 10427", SlotType.digits, "10427"),
        ("at three, actually make that four pm", SlotType.time, "16:00"),
        ("Tuesday is fine", SlotType.date, "2026-03-03"),
        ("no, Friday please", SlotType.date, "2026-03-06"),
        ("on Thursday, actually in the morning", SlotType.date, "2026-03-05"),
        ("Tuesday at two, no, make it at three", SlotType.date, "2026-03-03"),
        ("Tuesday at two, no, make it at three", SlotType.time, "15:00"),
        ("for Tuesday no sorry when's the at two pm", SlotType.time, "14:00"),
    ] as [(String, SlotType, String)])
    func selfCorrectionsKeepTheLastValue(_ said: String, _ type: SlotType, _ expected: String) {
        let slot = SlotDefinition(type: type, prompt: "?", length: type == .digits ? 5 : nil)
        let value = SlotExtractor(today: today).extract(slot, known: [], from: said, expected: true)
        #expect(value?.value == expected, "\(said) → \(value?.value ?? "nothing")")
    }

    /// A correction whose new value was misheard takes the old one back without a replacement: nothing,
    /// so the agent asks — also when the time follows the misheard day.
    @Test(arguments: ["Tuesday, no, Wensday", "for Tuesday no sorry when's the at two pm", "Tuesday, nope, sorry, when's the"])
    func aTakenBackDayWithItsReplacementMisheardIsNothing(_ said: String) {
        let slot = SlotDefinition(type: .date, prompt: "?")
        let value = SlotExtractor(today: today).extract(slot, known: [], from: said, expected: true)
        #expect(value == nil, "\(said) → \(value?.value ?? "nothing")")
    }
}
