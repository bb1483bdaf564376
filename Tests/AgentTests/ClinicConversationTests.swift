import Testing
import GRDB
@testable import Agent

/// Scripted calls to the clinic demo agent, each checked against the database afterwards.
@Suite struct ClinicConversationTests {
    static let slot = "SELECT patient_id FROM slots WHERE id = "
    static let johnsSlots = "SELECT group_concat(id) FROM (SELECT id FROM slots WHERE patient_id = 1 ORDER BY id)"

    static let cases: [ConversationCase] = [
        // A name close to no patient's: said plainly, asked once more in case it was misheard, then
        // the agent file's way forward (if_unknown: the front desk), with the name for the human.
        ConversationCase("book: a caller who is not a patient hears so plainly, then the front desk",
                         ["I'd like to book an appointment", "my name is Suzanne Clark", "Suzanne Clark"],
                         says: ["I couldn't find a patient called Suzanne Clark. Could you say it once more, in case I misheard?", "front desk team"],
                         neverSays: ["didn't catch the name", "Did you mean"], handoff: true, notCalled: ["find_patient"]),
        ConversationCase("book: an unknown name, then the right one, goes on",
                         ["book an appointment", "Suzanne Clark", "John Smith", "March 4th 1980", "Tuesday", "nine am", "yes"],
                         says: ["I couldn't find a patient called Suzanne Clark", "You're booked"], checks: [(slot + "1", "1")]),
        ConversationCase("book: surname right, first name misheard: the closest patient is offered and confirmed",
                         ["I'd like to book an appointment", "Asia Khan", "yes", "January 30th 1985", "Tuesday", "nine am", "yes"],
                         says: ["Did you mean Aisha Khan?", "Thanks, Aisha", "You're booked"], neverSays: ["didn't catch"], checks: [(slot + "1", "4")]),
        ConversationCase("book: a surname said alike but spelled apart is offered",
                         ["book an appointment", "my name is Wei Shen", "yeah", "July 15th 1990"],
                         says: ["Did you mean Wei Chen?", "Thanks, Wei"], called: ["find_patient"]),
        ConversationCase("book: the surname alone is offered as the one patient with it; no asks for the whole name",
                         ["book an appointment", "Khan", "no", "John Smith"],
                         says: ["Did you mean Aisha Khan?", "Sorry about that. May I have your first and last name", "date of birth"]),
        ConversationCase("book: a name as close to two patients is not offered",
                         ["book an appointment", "Maria Khan"],
                         says: ["I couldn't find a patient called Maria Khan"], neverSays: ["Did you mean"]),
        ConversationCase("book: the closest patient declined is taken as said: unknown",
                         ["book an appointment", "Asia Khan", "no", "Asia Khan"],
                         says: ["Did you mean Aisha Khan?", "I couldn't find a patient called Asia Khan", "front desk team"], handoff: true),
        // A known name with a date of birth the records do not have: two tries, then the agent file's
        // way forward (otherwise: message), with the caller's name kept for the message.
        ConversationCase("book: a known name with a wrong date of birth twice: a message for the front desk, not a third try",
                         ["book an appointment", "John Smith", "March 5th 1980", "John Smith", "March 6th 1980",
                          "please ask them to call me back about my booking", "yes"],
                         says: ["I couldn't find a patient with that name and date of birth. May I have your first and last name",
                                "I'm sorry, I still can't find your record. I can take a message for the front desk",
                                "I'll pass this on to the front desk from John Smith: please ask them to call me back about my booking. Is that right?",
                                "The front desk will call you back"],
                         checks: [("SELECT name || ': ' || text FROM messages", "John Smith: please ask them to call me back about my booking"),
                                  ("SELECT count(*) FROM slots WHERE patient_id = 1", "1")],
                         called: ["take_message"], notCalled: ["book_slot"]),
        // A "no" at a read-back whose outcome asks its own question is asked that question once, not
        // followed by the slot's prompt ("Which day would you like instead? Which day would you like to come in?").
        ConversationCase("message: no at the read-back asks for the message once, then records the new words",
                         ["I'd like to cancel my appointment", "John Smith", "March 5th 1980", "John Smith", "March 6th 1980",
                          "I can't come on Thursday", "no", "I won't be able to come on Thursday, please call me", "yes"],
                         says: ["Sorry about that. What would you like the message to say?",
                                "from John Smith: I won't be able to come on Thursday, please call me. Is that right?"],
                         neverSays: ["say? I can take a message"],
                         checks: [("SELECT text FROM messages", "I won't be able to come on Thursday, please call me"), ("SELECT count(*) FROM messages", "1")],
                         called: ["take_message"], notCalled: ["cancel_appointment"]),
        ConversationCase("book: a day corrected in one breath with the new day misheard is asked, not kept",
                         ["I'd like to book an appointment on Tuesday, no, Wensday", "John Smith", "March 4th 1980", "Wednesday", "two pm", "yes"],
                         says: ["Thanks, John. Which day would you like to come in?", "You're booked for Wednesday the 4th of March at 2 pm"],
                         neverSays: ["On Tuesday"], checks: [(slot + "7", "1"), (slot + "3", nil)]),
        ConversationCase("book: the day's answer corrected with the new day misheard is asked again",
                         ["I'd like to book an appointment", "John Smith", "March 4th 1980", "Tuesday, nope, sorry, when's the", "Wednesday", "two pm", "yes"],
                         says: ["Sorry, I didn't catch the date. Which day would you like to come in?", "You're booked for Wednesday the 4th of March at 2 pm"],
                         neverSays: ["On Tuesday"], checks: [(slot + "7", "1"), (slot + "3", nil)]),
        ConversationCase("book: an apology after the day is no correction",
                         ["I'd like to book an appointment on Tuesday at two pm, sorry about that", "John Smith", "March 4th 1980", "yes"],
                         says: ["Tuesday the 3rd of March at 2 pm. Shall I book it?"], checks: [(slot + "3", "1")]),
        ConversationCase("book: a greeting first, and a day corrected in one breath",
                         ["Hello", "I'd like to book an appointment", "John Smith", "March 4th 1980", "Tuesday, no, Wednesday", "two pm", "yes"],
                         says: ["Hello! How can I help you today?", "You're booked for Wednesday the 4th of March at 2 pm"],
                         neverSays: ["didn't understand", "Sorry"], checks: [(slot + "7", "1"), (slot + "3", nil)]),
        ConversationCase("book: name, date of birth, day and time in one sentence: the day is not the birthday",
                         ["Hi, this is Wei Chen, born the fifteenth of July nineteen ninety, I'd like to book an appointment for Friday at two pm", "yes"],
                         says: ["Thanks, Wei", "Friday the 6th of March at 2 pm. Shall I book it?", "You're booked"],
                         neverSays: ["Which day"], checks: [(slot + "15", "3")]),
        ConversationCase("book: a date of birth said month first with 'the'",
                         ["book an appointment", "Maria Garcia", "November the twenty first nineteen seventy five"],
                         says: ["Thanks, Maria"], neverSays: ["couldn't find"], called: ["find_patient"]),
        ConversationCase("book: a time read out as four digits",
                         ["book an appointment for Wednesday", "John Smith", "March 4th 1980", "one zero three zero", "yes"],
                         says: ["Wednesday the 4th of March at 10:30 am. Shall I book it?"], checks: [(slot + "6", "1")]),
        ConversationCase("reschedule: the day the caller cannot make is not taken as the new day",
                         ["I can't make my appointment on Thursday, can I change it", "John Smith", "March 4th 1980", "Wednesday", "half past three", "yes"],
                         says: ["Which day would you like instead?", "Your appointment is now on Wednesday the 4th of March at 3:30 pm"],
                         neverSays: ["On Thursday the 5th of March I have"], checks: [(slot + "8", "1"), (slot + "10", nil)]),
        ConversationCase("cancel: 'I won't be able to make it' with 'cancel' is a cancellation, not a booking",
                         ["I won't be able to make it on Wednesday, please cancel my appointment", "Maria Garcia", "November 21st 1975"],
                         says: ["Your appointment is on Wednesday the 4th of March at 9 am. Do you want me to cancel it?"], neverSays: ["Which day"]),
        ConversationCase("a goodbye as the caller's first words is greeted back; a second one ends the call",
                         ["bye there", "goodbye"], says: ["Hello! How can I help you today?", "Goodbye"], hangUp: true),
        ConversationCase("a goodbye as the first words, then a request, goes on",
                         ["bye there", "what are your opening hours"], says: ["Hello! How can I help you today?", "We're open"], neverSays: ["Goodbye"]),
        ConversationCase("book: 'no, the time is wrong' at the read-back asks only the time again",
                         ["book an appointment", "John Smith", "March 4th 1980", "Tuesday", "two pm", "no, the time is wrong", "half past three", "yes"],
                         says: ["Sorry about that. Which time would you like?", "Tuesday the 3rd of March at 3:30 pm. Shall I book it?"],
                         neverSays: ["Which day would you like instead"], checks: [(slot + "4", "1"), (slot + "3", nil)]),
        ConversationCase("book: 'no, the day is wrong' at the read-back asks only the day; the time stands",
                         ["book an appointment on Tuesday at two pm", "Wei Chen", "July 15th 1990", "no, the day is wrong", "Wednesday", "yes"],
                         says: ["Sorry about that. Which day would you like to come in?", "Wei Chen on Wednesday the 4th of March at 2 pm. Shall I book it?"],
                         neverSays: ["Which time would you like"], checks: [(slot + "7", "3"), (slot + "3", nil)]),
        ConversationCase("small talk is answered, not counted as a misunderstanding",
                         ["hi, how are you today?", "how's it going", "how are you doing", "what are your opening hours"],
                         says: ["I'm well, thank you. How can I help you today?", "We're open"], neverSays: ["didn't understand", "can't help"], handoff: false),
        ConversationCase("book: happy path", ["I'd like to book an appointment", "John Smith", "March 4th 1980", "next Tuesday", "two pm", "yes"],
                         says: ["I'm an AI", "On Tuesday the 3rd of March I have 9 am, 2 pm and 3:30 pm", "You're booked for Tuesday the 3rd of March at 2 pm"],
                         checks: [(slot + "3", "1"), (johnsSlots, "3,10")], called: ["find_patient", "free_slots", "book_slot"]),
        ConversationCase("book: day and time in the first sentence", ["Can I make an appointment for Wednesday at half past ten", "it's John Smith", "the fourth of March nineteen eighty", "yes please"],
                         says: ["at 10:30 am. Shall I book it?", "You're booked for Wednesday the 4th of March at 10:30 am"],
                         checks: [(slot + "6", "1")]),
        ConversationCase("book: correction of the day at confirmation", ["book an appointment", "John Smith", "3/4/1980", "Tuesday", "2 pm", "no, I said Wednesday", "yes"],
                         says: ["Okay, let me correct that", "Wednesday the 4th of March at 2 pm. Shall I book it?"],
                         checks: [(slot + "7", "1"), (slot + "3", nil)]),
        // The day came first (with the request), the date of birth later: the correction must still go to the day.
        ConversationCase("book: correction of a day given up front", ["I'd like to book an appointment on Wednesday at two pm", "John Smith", "March 4th 1980", "no, I said Thursday", "yes"],
                         says: ["Okay, let me correct that", "Thursday the 5th of March at 2 pm. Shall I book it?", "You're booked for Thursday the 5th of March at 2 pm"],
                         checks: [(slot + "11", "1"), (slot + "7", nil)]),
        ConversationCase("book: correction of the time", ["I need to see a doctor", "John Smith", "1980-03-04", "Friday", "two o'clock", "actually make that half past three", "yes"],
                         says: ["Friday the 6th of March at 3:30 pm. Shall I book it?"],
                         checks: [(slot + "16", "1"), (slot + "15", nil)]),
        ConversationCase("book: declined, then another day", ["I want to schedule a visit", "Maria Garcia", "November 21st 1975", "Tuesday", "9 am", "no", "Friday", "2 pm", "yes"],
                         says: ["Which day would you like instead?", "You're booked for Friday the 6th of March at 2 pm"],
                         neverSays: ["instead? Which day would you like to come in"],
                         checks: [(slot + "15", "2"), (slot + "1", nil)]),
        ConversationCase("book: unknown patient, then the right details", ["book an appointment", "Maria Garcia", "January 1st 1990", "Maria Garcia", "the twenty first of November 1975", "Thursday", "three thirty pm", "yes"],
                         says: ["I couldn't find a patient with that name and date of birth", "You're booked for Thursday the 5th of March at 3:30 pm"],
                         checks: [(slot + "12", "2")]),
        ConversationCase("book: missing name is asked again", ["book an appointment", "um", "John Smith", "March 4 1980", "Tuesday", "nine am", "yes"],
                         says: ["Sorry, I didn't catch the name", "May I have your first and last name"],
                         checks: [(slot + "1", "1")]),
        ConversationCase("book: taken time, then a free one", ["book an appointment", "Aisha Khan", "January 30th 1985", "Tuesday", "half past ten", "yes", "nine am", "yes"],
                         says: ["isn't free", "You're booked for Tuesday the 3rd of March at 9 am"],
                         checks: [(slot + "2", "3"), (slot + "1", "4")]),
        ConversationCase("book: a day with no free slots", ["book an appointment", "Tom Baker", "September 9th 1962", "Saturday", "Thursday", "9 am", "yes"],
                         says: ["there are no free times on Saturday", "You're booked for Thursday the 5th of March at 9 am"],
                         checks: [(slot + "9", "5")]),
        ConversationCase("reschedule: happy path", ["I need to reschedule my appointment", "John Smith", "March 4th 1980", "Friday", "2 pm", "yes"],
                         says: ["Your appointment is on Thursday the 5th of March at 10:30 am", "Your appointment is now on Friday the 6th of March at 2 pm"],
                         checks: [(slot + "15", "1"), (slot + "10", nil)], called: ["move_appointment"]),
        ConversationCase("reschedule: declined", ["can I move my appointment", "John Smith", "March 4th 1980", "Friday", "2 pm", "no"],
                         says: ["I've left your appointment as it was"],
                         checks: [(slot + "10", "1"), (slot + "15", nil)], notCalled: ["move_appointment"]),
        ConversationCase("cancel: operator approves", ["I want to cancel my appointment", "John Smith", "March 4th 1980", "yes"], operator: .approve,
                         says: ["Do you want me to cancel it?", "Your appointment is cancelled"],
                         checks: [(slot + "10", nil)], called: ["cancel_appointment"]),
        ConversationCase("cancel: operator denies", ["please cancel my booking", "John Smith", "March 4th 1980", "yes"], operator: .deny,
                         says: ["couldn't get that cancellation approved"],
                         checks: [(slot + "10", "1")], notCalled: ["cancel_appointment"]),
        ConversationCase("cancel: approval times out", ["I want to cancel my appointment", "John Smith", "March 4th 1980", "yes"], operator: .letTimeOut,
                         says: ["couldn't get that cancellation approved"],
                         checks: [(slot + "10", "1")], notCalled: ["cancel_appointment"]),
        ConversationCase("cancel: pre-approved by the scenario", ["I want to cancel my appointment", "Maria Garcia", "born on the 21st of November 1975", "yes"], approval: .approveAll,
                         says: ["Wednesday the 4th of March at 9 am", "Your appointment is cancelled"],
                         checks: [(slot + "5", nil)]),
        ConversationCase("cancel: pre-denied by the scenario", ["cancel my appointment", "Maria Garcia", "November 21st 1975", "yes"], approval: .denyAll,
                         says: ["still booked"], checks: [(slot + "5", "2")]),
        ConversationCase("cancel: caller keeps it", ["I want to cancel my appointment", "John Smith", "March 4th 1980", "no"],
                         says: ["I'll keep it booked"], checks: [(slot + "10", "1")]),
        ConversationCase("hours", ["what are your opening hours"],
                         says: ["We're open Monday to Friday from 8 am to 6 pm", "Saturday from 9 am to noon"],
                         checks: [("SELECT count(*) FROM slots WHERE patient_id IS NOT NULL", "5")]),
        ConversationCase("unknown intent, then a booking", ["what's the weather like on Mars", "I'd like to book an appointment", "Wei Chen", "July 15th 1990", "Wednesday", "10:30 am", "yes"],
                         says: ["I can't help with that, but I can help with booking an appointment", "You're booked for Wednesday the 4th of March at 10:30 am"],
                         neverSays: ["didn't understand"], checks: [(slot + "6", "3")]),
        // Out of scope is answered, never counted: three such questions neither transfer nor end the call.
        ConversationCase("out-of-scope questions are answered and never escalate",
                         ["what's the weather like today", "can you recommend a restaurant", "do you know any good films", "what are your opening hours"],
                         says: ["I can't help with that, but I can help with booking an appointment, moving an appointment", "What would you like to do?", "We're open"],
                         neverSays: ["front desk team", "Goodbye"]),
        ConversationCase("out of scope while a slot is asked: the question is asked again",
                         ["book an appointment", "what is the weather like tomorrow", "John Smith"],
                         says: ["I can't help with that, but I can help with", "May I have your first and last name, please?", "date of birth"], neverSays: ["front desk team"]),
        // The second re-ask in a row uses other words than the first.
        ConversationCase("the second re-ask uses different words",
                         ["book an appointment", "John Smith", "March 4th 1980", "purple", "banana"],
                         says: ["Sorry, I didn't catch the date", "Let me put it another way: you can say a day like next Tuesday"]),
        // Turns that stop before their point are not counted, but the caller still hears other words the second time.
        ConversationCase("the second re-ask in a row uses different words when neither turn counted",
                         ["book an appointment", "um", "so my name is"],
                         says: ["Sorry, I didn't catch the name. May I have your first and last name, please?",
                                "Let me put it another way: please say just your first name, then your last name. May I have"]),
        ConversationCase("the second re-ask at a read-back uses different words when the first was cut off",
                         ["book an appointment", "John Smith", "March 4th 1980", "Tuesday", "two pm", "well I was going to", "hmm so I think the"],
                         says: ["Sorry, was that a yes or a no?", "I just need a yes or a no."]),
        ConversationCase("the second menu re-ask gives examples",
                         ["blah blah", "purple monkey dishwasher"],
                         says: ["Sorry, I didn't understand that", "I'm still not sure what you need. You could say, for example, \"I'd like to book an appointment\""]),
        // Turns cut off before their point ("and", "the", "um") are asked again without counting.
        ConversationCase("unfinished turns never escalate",
                         ["I was wondering if", "um", "so I need the", "blah blah", "flibbertigibbet"],
                         neverSays: ["front desk team"]),
        // A turn that names a day or a time asks for something done then: not a human, not a repeat.
        ConversationCase("'see someone' on a day is a booking, not a request for a human",
                         ["can I see someone on Thursday", "Wei Chen", "July 15th 1990"],
                         says: ["May I have your first and last name", "On Thursday the 5th of March I have"], neverSays: ["front desk team"]),
        ConversationCase("'somebody' with a day and a time is a booking too",
                         ["could somebody see me on Friday at two", "Wei Chen", "July 15th 1990", "yes"],
                         says: ["Wei Chen on Friday the 6th of March at 2 pm. Shall I book it?"], neverSays: ["front desk team"], checks: [(slot + "15", "3")]),
        ConversationCase("an answer with a day that shares a word with 'come again' is not a request to repeat",
                         ["book an appointment", "John Smith", "March 4th 1980", "could I come in on Thursday"],
                         says: ["On Thursday the 5th of March I have"]),
        ConversationCase("asking for someone by name of the verb still transfers, day or not",
                         ["can I speak to someone tomorrow about my results"], says: ["front desk team"], handoff: true),
        ConversationCase("escalation on request", ["can I speak to a real person please"],
                         says: ["Let me put you through"], checks: [("SELECT count(*) FROM slots WHERE patient_id IS NOT NULL", "5")], handoff: true),
        ConversationCase("escalation on request mid-flow", ["book an appointment", "John Smith", "I want to talk to a human"],
                         says: ["front desk team"], handoff: true, notCalled: ["book_slot"]),
        // The clinic defines a message flow: past the limit the caller can leave a message, not a transfer
        // (the orders agent, without one, transfers: see OrdersConversationTests).
        ConversationCase("repeated misunderstanding: the agent file's way forward, a message", ["blah blah", "purple monkey dishwasher", "flibbertigibbet"],
                         says: ["Sorry, I didn't understand that", Reask.givingUp + " " + Reask.offerMessage], neverSays: ["front desk team"]),
        ConversationCase("front desk intent transfers", ["put me through to the front desk"], says: ["Of course"], handoff: true),
        ConversationCase("repeat that", ["book an appointment", "sorry, can you repeat that", "John Smith", "March 4th 1980", "goodbye"],
                         says: ["May I have your first and last name, please?\nMay I have your first and last name, please?"], hangUp: true),
        ConversationCase("goodbye hangs up", ["that's all thanks, goodbye"], says: ["Goodbye"], hangUp: true),
        ConversationCase("identity kept across requests", ["book an appointment", "John Smith", "March 4th 1980", "Tuesday", "9 am", "yes", "I also want to cancel my appointment", "yes"], approval: .approveAll,
                         says: ["Your appointment is on Tuesday the 3rd of March at 9 am", "Your appointment is cancelled"],
                         checks: [(slot + "1", nil), (slot + "10", "1")]),
    ]

    @Test(arguments: cases)
    func conversation(_ scripted: ConversationCase) async throws {
        _ = try await scripted.run(agent: "clinic")
    }

    /// A date of birth heard with a teen for a ten (Whisper's "thirteenth" for "thirtieth", "nineteen
    /// nineteen" for "nineteen ninety") finds the caller through the lookup's sound-alikes; the date
    /// tried stays out of every trace; two sound-alikes finding two records find no one.
    @Test func aDateOfBirthMisheardAsItsSoundAlikeFindsTheCaller() async throws {
        var day = try await ScriptedCall(agent: "clinic")
        for line in ["book an appointment", "Aisha Khan", "January thirteenth nineteen eighty five", "Tuesday", "nine am", "yes"] { await day.say(line) }
        #expect(day.transcript.contains("Thanks, Aisha") && day.transcript.contains("You're booked"), "\(day.transcript)")
        #expect(try day.scalar(Self.slot + "1") == "4")
        let traces = day.turns.flatMap(\.toolCalls).filter { $0.tool == "find_patient" }
        #expect(traces.count == 2, "\(traces)")
        #expect(!traces.contains { $0.arguments.contains("1985") || $0.arguments.contains("thirtieth") }, "\(traces)")

        var year = try await ScriptedCall(agent: "clinic")
        for line in ["book an appointment", "Wei Chen", "July fifteenth nineteen nineteen"] { await year.say(line) }
        #expect(year.transcript.contains("Thanks, Wei"), "\(year.transcript)")

        var twoRecords = try await ScriptedCall(agent: "clinic")
        try await twoRecords.database.write { db in
            try db.execute(sql: "INSERT INTO patients (id, first_name, last_name, date_of_birth) VALUES (6, 'Tom', 'Baker', '1930-05-13'), (7, 'Tom', 'Baker', '1913-05-30')")
        }
        for line in ["book an appointment", "Tom Baker", "May thirteenth nineteen thirteen"] { await twoRecords.say(line) }
        #expect(twoRecords.transcript.contains("I couldn't find a patient with that name and date of birth"), "\(twoRecords.transcript)")
        #expect(!twoRecords.transcript.contains("Thanks, Tom"), "\(twoRecords.transcript)")
    }

    /// Words nobody could make out, twice in a row at the name question: the second time the caller
    /// hears other words (how to say a name), and a turn heard in between starts the count again.
    @Test func wordsNotMadeOutTwiceAreAskedInOtherWords() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        await call.say("I'd like to book an appointment")
        let first = await call.conversation.unclear()
        let second = await call.conversation.unclear()
        #expect(first.text == "Sorry, I didn't catch that. May I have your first and last name, please?", "\(first.text)")
        #expect(second.text == "Let me put it another way: please say just your first name, then your last name. May I have your first and last name, please?", "\(second.text)")
        let name = await call.say("John Smith")
        #expect(name.text.contains("date of birth"), "\(name.text)")
        let again = await call.conversation.unclear()
        #expect(again.text == "Sorry, I didn't catch that. And your date of birth?", "\(again.text)")
    }

    /// At the open question there is nothing to give an example of: other words all the same.
    @Test func wordsNotMadeOutTwiceBeforeAnyRequestAreAskedInOtherWords() async throws {
        let call = try await ScriptedCall(agent: "clinic")
        let first = await call.conversation.unclear()
        let second = await call.conversation.unclear()
        #expect(first.sentences.first == Reask.notCaught)
        #expect(second.sentences == [Reask.stillNotCaught, "How can I help you today?"], "\(second.sentences)")
    }

    /// Words not made out three times in a row: two re-asks, then no third question but the agent
    /// file's way forward, a message for the front desk, which the caller can leave; the call goes on.
    @Test func wordsNotMadeOutPastTheLimitTakeAMessage() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        await call.say("I'd like to book an appointment")
        let reasks = [await call.conversation.unclear(), await call.conversation.unclear()]
        #expect(reasks.allSatisfy { $0.text.hasSuffix("May I have your first and last name, please?") }, "\(reasks.map(\.text))")
        let forward = await call.conversation.unclear()
        #expect(forward.sentences.prefix(2) == [Reask.givingUp, Reask.offerMessage], "\(forward.text)")
        #expect(forward.text.hasSuffix("May I have your first and last name, please?"), "\(forward.text)")
        #expect(forward.handoff == nil && !forward.hangUp)
        await call.say("John Smith")
        let readBack = await call.say("please call me back about an appointment")
        #expect(readBack.text.contains("from John Smith: please call me back about an appointment. Is that right?"), "\(readBack.text)")
        let done = await call.say("yes")
        #expect(done.text.contains("The front desk will call you back"), "\(done.text)")
        #expect(try call.scalar("SELECT name || ': ' || text FROM messages") == "John Smith: please call me back about an appointment")
    }

    /// A turn heard in between starts the count again: two unclear turns, the name, two more are
    /// still asked again; the next one in a row gets the way forward.
    @Test func aClearTurnStartsTheReaskCountAgain() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        await call.say("I'd like to book an appointment")
        _ = await call.conversation.unclear()
        _ = await call.conversation.unclear()
        await call.say("John Smith")
        let again = [await call.conversation.unclear(), await call.conversation.unclear()]
        #expect(again.allSatisfy { $0.text.hasSuffix("And your date of birth?") }, "\(again.map(\.text))")
        let forward = await call.conversation.unclear()
        #expect(forward.sentences.first == Reask.givingUp, "\(forward.text)")
        // The name the caller gave stays for the message: it is asked for next.
        #expect(forward.text.hasSuffix("What would you like to tell them?"), "\(forward.text)")
    }

    /// Every kind of re-ask counts in the same row: a turn that stopped on "um" (asked again, not a
    /// misunderstanding), then words not made out, twice: the third re-ask is the way forward.
    @Test func reasksOfEveryKindCountInOneRow() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        await call.say("I'd like to book an appointment")
        let unfinished = await call.say("my name is um")
        #expect(unfinished.path.reason.contains("unfinished"), "\(unfinished.path.reason)")
        let unclear = await call.conversation.unclear()
        #expect(unclear.text.hasSuffix("May I have your first and last name, please?"), "\(unclear.text)")
        let forward = await call.conversation.unclear()
        #expect(forward.sentences.first == Reask.givingUp, "\(forward.text)")
    }

    /// Already taking a message, the words still cannot be made out: past the limit again, a person.
    @Test func wordsNotMadeOutWhileTakingAMessageGoToAPerson() async throws {
        var call = try await ScriptedCall(agent: "clinic")
        for _ in 0..<3 { _ = await call.conversation.unclear() }
        for _ in 0..<2 { _ = await call.conversation.unclear() }
        let transfer = await call.conversation.unclear()
        #expect(transfer.handoff != nil, "\(transfer.text)")
        #expect(transfer.text.hasSuffix("Let me put you through to a member of our front desk team."), "\(transfer.text)")
        #expect(!transfer.hangUp)
    }
}
