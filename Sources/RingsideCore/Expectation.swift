/// What the dialogue expects the caller to say next, so the recogniser can listen for it.
///
/// The brain publishes one after each reply; speech engines that can use it (a grammar or a
/// boosted language model) do, and fall back to open recognition when nothing matches.
public enum RecognitionExpectation: Sendable, Codable, Equatable, Hashable {
    /// Anything at all.
    case open
    case yesNo
    case date
    case time
    /// A digit string, optionally of a known length (an order number, a phone number).
    case digits(count: Int?)
    case number
    /// One of these names or phrases (patients, products, options read out).
    case oneOf([String])
}

/// Vocabulary a speech recogniser can adapt to: the agent's example phrases and slot values.
///
/// The Agent runtime builds it from an agent definition; the Speech layer turns it into a domain
/// language model. Neither needs to know the other's types.
public struct DomainVocabulary: Sendable, Codable, Equatable {
    /// Whole example utterances ("I'd like to book an appointment for next Tuesday").
    public var phrases: [String]
    /// Values that can fill slots (names, product words, street names), spoken as written.
    public var slotValues: [String]

    public init(phrases: [String] = [], slotValues: [String] = []) {
        self.phrases = phrases
        self.slotValues = slotValues
    }
}
