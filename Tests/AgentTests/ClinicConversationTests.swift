import Testing
@testable import Agent

/// Scripted calls to the clinic demo agent, each checked against the database afterwards.
@Suite struct ClinicConversationTests {
    static let slot = "SELECT patient_id FROM slots WHERE id = "
    static let johnsSlots = "SELECT group_concat(id) FROM (SELECT id FROM slots WHERE patient_id = 1 ORDER BY id)"

    static let cases: [ConversationCase] = [
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
                         says: ["Sorry, I didn't understand that", "I can help with booking an appointment", "You're booked for Wednesday the 4th of March at 10:30 am"],
                         checks: [(slot + "6", "3")]),
        ConversationCase("escalation on request", ["can I speak to a real person please"],
                         says: ["Let me put you through"], checks: [("SELECT count(*) FROM slots WHERE patient_id IS NOT NULL", "5")], handoff: true),
        ConversationCase("escalation on request mid-flow", ["book an appointment", "John Smith", "I want to talk to a human"],
                         says: ["front desk team"], handoff: true, notCalled: ["book_slot"]),
        ConversationCase("escalation after repeated misunderstanding", ["blah blah", "purple monkey dishwasher", "flibbertigibbet"],
                         says: ["Sorry, I didn't understand that", "front desk team"], handoff: true),
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
}
