import Testing
@testable import Agent

/// Classes of request the demo agents were not tuned on, each in several wordings written for these
/// tests (not taken from any scenario): availability questions that name a day or a time, paraphrases
/// of a request by its verb and object, and the way forward after repeated misunderstandings.
@Suite struct UnderstandingTests {
    /// A question about free times that names a day is a booking for that day: after the caller is
    /// identified the agent lists that day's free times, and never asks which day.
    @Test(arguments: [
        ("what times have you got free on Thursday", "On Thursday"),
        ("have you got any availability on Friday", "On Friday"),
        ("are there any spaces left on Wednesday", "On Wednesday"),
        ("anything available for Thursday afternoon", "On Thursday"),
        ("do you have any openings on Friday", "On Friday"),
        ("can I come in Thursday", "On Thursday"),
        ("could I pop in on Wednesday", "On Wednesday"),
    ])
    func anAvailabilityQuestionWithADayListsThatDay(_ said: String, _ listing: String) async throws {
        var call = try await ScriptedCall(agent: "clinic")
        let first = await call.say(said)
        #expect(first.intent == "book", "\(said) → \(first.intent ?? "none"): \(first.text)")
        await call.say("John Smith")
        let free = await call.say("March 4th 1980")
        #expect(free.text.contains(listing) && free.text.contains(" I have "), "\(said) → \(free.text)")
        #expect(!call.transcript.contains("Which day would you like"), "\(call.transcript)")
    }

    /// A question about free times without a day is a booking too: the agent asks for the day.
    @Test(arguments: ["what availability do you have", "have you got any free spaces", "are there any openings"])
    func anAvailabilityQuestionWithoutADayAsksForIt(_ said: String) async throws {
        var call = try await ScriptedCall(agent: "clinic")
        let first = await call.say(said)
        #expect(first.intent == "book", "\(said) → \(first.intent ?? "none"): \(first.text)")
        await call.say("John Smith")
        let next = await call.say("March 4th 1980")
        #expect(next.text.contains("Which day would you like"), "\(said) → \(next.text)")
    }

    /// Where a parcel goes, said by its verb and object rather than "change the address".
    @Test(arguments: [
        "change where my order is delivered",
        "send it to a different address",
        "can you deliver it somewhere else",
        "I'd like the parcel to go to my office instead",
        "please redirect my package to my new house",
        "can it be shipped to another place",
    ])
    func aNewDestinationIsAChangeOfAddress(_ said: String) async throws {
        var call = try await ScriptedCall(agent: "orders")
        let first = await call.say(said)
        #expect(first.intent == "change_address", "\(said) → \(first.intent ?? "none"): \(first.text)")
    }

    /// Outside the frame of an example with a thing of the caller's ("where is my order", see
    /// `neighboursKeepTheirIntent`), a thing no example names stays no request.
    @Test(arguments: ["can you feed my cat", "tell me about my horoscope", "my cousin is visiting"])
    func anUnnamedThingOutsideAnExamplesFrameIsNoRequest(_ said: String) async throws {
        var call = try await ScriptedCall(agent: "orders")
        let first = await call.say(said)
        #expect(first.intent == nil || first.intent?.hasPrefix("_") == true, "\(said) → \(first.intent ?? "none"): \(first.text)")
        #expect(!first.text.contains("order number"), "\(said) → \(first.text)")
    }

    /// Paraphrases must not pull other requests along: these stay what they were. A thing of the
    /// caller's that no example names stands in for the thing an example has in its place ("where's
    /// my stuff" is "where is my order"; "part of" is "parcel" misheard).
    @Test(arguments: [
        ("orders", "where's my stuff", "status"),
        ("orders", "where is my shipment gone", "status"),
        ("orders", "where's my part of", "status"),
        ("clinic", "please cancel my thingy", "cancel"),
        ("orders", "when will my parcel be delivered", "delivery"),
        ("orders", "where is my order", "status"),
        ("clinic", "what time do you close on Saturday", "hours"),
        ("clinic", "I can't come in on Thursday, cancel it", "cancel"),
        ("clinic", "can I move my appointment to Friday", "reschedule"),
    ])
    func neighboursKeepTheirIntent(_ agentName: String, _ said: String, _ intent: String) async throws {
        var call = try await ScriptedCall(agent: agentName)
        let first = await call.say(said)
        #expect(first.intent == intent, "\(said) → \(first.intent ?? "none"): \(first.text)")
    }

    /// Three misunderstood turns in a row where the agent file defines a message flow: the message,
    /// not a transfer; past the limit again while taking it, a person.
    @Test(arguments: [
        ["the purple elephant sang loudly", "my cat enjoys sunshine greatly", "fish swim under bridges quietly"],
        ["bananas are yellow and long", "the train was late this morning again", "grandma knits warm jumpers"],
    ])
    func misunderstandingsPastTheLimitTakeAMessage(_ noise: [String]) async throws {
        var call = try await ScriptedCall(agent: "clinic")
        await call.say("I'd like to book an appointment")
        var last: BrainTurn?
        for line in noise { last = await call.say(line) }
        let forward = try #require(last)
        #expect(forward.handoff == nil && !forward.hangUp, "\(forward.text)")
        #expect(forward.sentences.first == Reask.givingUp, "\(forward.text)")
        #expect(forward.intent == FlowTransition.messageFlow, "\(forward.text)")
        await call.say("John Smith")
        let readBack = await call.say("please call me about a booking")
        #expect(readBack.text.contains("from John Smith: please call me about a booking. Is that right?"), "\(readBack.text)")
    }
}
