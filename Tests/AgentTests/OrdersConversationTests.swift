import Testing
@testable import Agent

/// Scripted calls to the orders demo agent, each checked against the database afterwards.
@Suite struct OrdersConversationTests {
    static let address = "SELECT address FROM orders WHERE id = "
    static let returned = "SELECT count(*) FROM returns WHERE order_id = "

    static let cases: [ConversationCase] = [
        ConversationCase("a question sharing only its question word with a request is out of scope",
                         ["what's the weather going to be like tomorrow"], says: ["I can't help with that"], neverSays: ["order number"]),
        ConversationCase("status with spelled digits", ["where is my order", "one oh four two seven"],
                         says: ["What's your five digit order number?", "Order 1 0 4 2 7 is processing"], called: ["order_lookup"]),
        ConversationCase("status with the number in the question", ["what's the status of order 10428"],
                         says: ["Order 1 0 4 2 8 is dispatched"], neverSays: ["five digit order number"]),
        ConversationCase("delivery date", ["when will my order arrive", "1 0 4 2 7"],
                         says: ["The delivery date for order 1 0 4 2 7 is Thursday the 5th of March"]),
        ConversationCase("change address: happy path", ["I need to change the delivery address", "10427", "25 Main Street, Springfield", "yes"],
                         says: ["to 25 Main Street, Springfield. Shall I go ahead?", "Done."],
                         checks: [(address + "10427", "25 Main Street, Springfield")], called: ["change_address"]),
        ConversationCase("change address: already dispatched", ["update my shipping address", "10428", "1 New Road", "yes"],
                         says: ["already left our warehouse"], checks: [(address + "10428", "4 Oak Avenue, Springfield")]),
        ConversationCase("change address: declined", ["I need to change the delivery address", "10427", "3 Lake View", "no"],
                         says: ["I've left the address as it was"], checks: [(address + "10427", "12 Elm Street, Springfield")]),
        ConversationCase("change address: corrected order number", ["I need to change the delivery address", "one oh four two seven", "8 Hill Street", "no, I said one oh four three one", "yes"],
                         says: ["Okay, let me correct that", "for order 1 0 4 3 1 to 8 Hill Street"],
                         checks: [(address + "10431", "8 Hill Street"), (address + "10427", "12 Elm Street, Springfield")]),
        ConversationCase("return below the approval amount", ["I want to return my order", "10429", "yes"],
                         says: ["refund of 89 dollars", "Your return has started"],
                         neverSays: ["approval"], checks: [(returned + "10429", "1")]),
        ConversationCase("return above the amount: operator approves", ["I'd like a refund", "10430", "yes"], operator: .approve,
                         says: ["refund of 249.99 dollars", "Your return has started"], checks: [(returned + "10430", "1")]),
        ConversationCase("return above the amount: operator denies", ["I'd like a refund", "10430", "yes"], operator: .deny,
                         says: ["couldn't get it just now"], checks: [(returned + "10430", "0")]),
        ConversationCase("return above the amount: approval times out", ["start a return", "10430", "yes"], operator: .letTimeOut,
                         says: ["couldn't get it just now"], checks: [(returned + "10430", "0")]),
        ConversationCase("return above the amount: pre-approved", ["start a return", "10430", "yes"], approval: .approveAll,
                         says: ["Your return has started"], checks: [(returned + "10430", "1")]),
        ConversationCase("return of an order not delivered yet", ["I want to return my order", "10427", "yes"],
                         says: ["only start a return for a delivered order"], checks: [(returned + "10427", "0")]),
        ConversationCase("return already started", ["start a return", "10432", "yes"],
                         says: ["only start a return for a delivered order"], checks: [(returned + "10432", "1")]),
        ConversationCase("unknown order number, then a known one", ["track my order", "99999", "10431"],
                         says: ["I couldn't find order 9 9 9 9 9", "Order 1 0 4 3 1 is processing"]),
        // One digit off from exactly one real order: offered back; yes takes it.
        ConversationCase("an order number one digit off is offered back", ["where is my order", "10499", "yes"],
                         says: ["Did you mean 1 0 4 2 9?", "Order 1 0 4 2 9 is delivered"], neverSays: ["couldn't find"]),
        ConversationCase("the offered order declined: the number as said is looked up", ["where is my order", "10499", "no"],
                         says: ["Did you mean 1 0 4 2 9?", "I couldn't find order 1 0 4 9 9"]),
        ConversationCase("the offered order declined with another number", ["where is my order", "10499", "no, it's 10431"],
                         says: ["Did you mean 1 0 4 2 9?", "Order 1 0 4 3 1 is processing"]),
        // One digit off from several orders: nothing is offered (it could be any of them).
        ConversationCase("one digit off from several orders is not offered", ["where is my order", "10426"],
                         says: ["I couldn't find order 1 0 4 2 6"], neverSays: ["Did you mean"]),
        ConversationCase("too few digits", ["where is my order", "one two three", "10428"],
                         says: ["Sorry, that should be 5 digits", "is dispatched"]),
        ConversationCase("escalation on request", ["let me talk to a representative"], says: ["customer service team"], handoff: true),
        ConversationCase("escalation after repeated misunderstanding", ["where is my order", "I don't know", "no idea", "not sure"],
                         says: ["that should be 5 digits"], handoff: true, notCalled: ["order_lookup"]),
        ConversationCase("complaint goes to a human", ["I have a complaint"], says: ["Of course", "customer service team"], handoff: true),
        // A request that points to one intent but not clearly enough: asked about, not "can't help".
        ConversationCase("a weakly matched request is offered back; yes starts it", ["is my parcel on its way", "yes", "10428"],
                         says: ["Is that about order status?", "Order 1 0 4 2 8 is dispatched"], neverSays: ["can't help", "didn't understand"]),
        ConversationCase("the offered intent declined: the menu, then a clear request", ["I want to order a new laptop", "no", "I'd like a refund", "10429", "yes"],
                         says: ["Is that about order status?", "I can help with order status", "Your return has started"], neverSays: ["didn't understand"]),
        ConversationCase("the offered intent declined with another request in the same breath", ["I want to order a new laptop", "no, I want to send it back", "10429", "yes"],
                         says: ["Is that about order status?", "refund of 89 dollars", "Your return has started"]),
        // A goodbye word with a request after it is not a goodbye (the call must not end on it).
        ConversationCase("a request after a goodbye word is taken, the call goes on", ["bye, I'm phoning about a parcel that still hasn't come", "where is my order", "10428"],
                         says: ["Order 1 0 4 2 8 is dispatched"], neverSays: ["Goodbye"]),
        ConversationCase("a plain goodbye still ends the call", ["where is my order", "10428", "okay thanks, bye"], says: ["is dispatched", "Goodbye!"], hangUp: true),
        ConversationCase("unknown intent, then status", ["do you sell bicycles", "has my order shipped", "10430"],
                         says: ["I can help with order status", "is delivered"]),
        ConversationCase("order remembered across requests", ["where is my order", "10427", "when will it be delivered"],
                         says: ["is processing", "The delivery date for order 1 0 4 2 7 is Thursday the 5th of March"],
                         neverSays: ["five digit order number?\nThe"]),
        ConversationCase("repeat that", ["where is my order", "say that again", "10427", "bye"],
                         says: ["What's your five digit order number?\nWhat's your five digit order number?"], hangUp: true),
        ConversationCase("change address blocked from changing another order", ["I need to change the delivery address", "10428", "9 Other Street", "yes"],
                         checks: [(address + "10428", "4 Oak Avenue, Springfield"), ("SELECT count(*) FROM orders WHERE address = '9 Other Street'", "0")]),
    ]

    @Test(arguments: cases)
    func conversation(_ scripted: ConversationCase) async throws {
        _ = try await scripted.run(agent: "orders")
    }

    /// An agent without a message flow: past the limit of re-asks in a row, the human handoff.
    @Test func wordsNotMadeOutPastTheLimitTransferWithoutAMessageFlow() async throws {
        var call = try await ScriptedCall(agent: "orders")
        await call.say("where is my order")
        let reasks = [await call.conversation.unclear(), await call.conversation.unclear()]
        #expect(reasks.allSatisfy { $0.handoff == nil && $0.text.hasSuffix("What's your five digit order number?") }, "\(reasks.map(\.text))")
        let transfer = await call.conversation.unclear()
        #expect(transfer.handoff != nil && !transfer.hangUp, "\(transfer.text)")
        #expect(transfer.sentences.first == Reask.givingUp, "\(transfer.text)")
        #expect(transfer.text.contains("customer service team"), "\(transfer.text)")
    }
}
