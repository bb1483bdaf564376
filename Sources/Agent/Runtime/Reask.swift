/// What the agent says when it asks again, kept in one place for every brain and the session: the
/// first re-ask's apology, and other words for the second in a row (a caller who did not get through
/// once is not helped by hearing the same sentence again).
public enum Reask {
    /// The first time nothing usable was heard.
    public static let notCaught = "Sorry, I didn't catch that."
    /// The second time in a row, before the question again, when the brain has no other words of its own.
    public static let stillNotCaught = "Sorry, I still couldn't make that out."
    /// Re-asks in a row reached the agent file's limit: said before the way forward.
    public static let givingUp = "I'm sorry, I'm having trouble understanding you."
    /// Before the message flow's questions, when that is the way forward.
    public static let offerMessage = "Let me take a message, so that someone can call you back."
}
