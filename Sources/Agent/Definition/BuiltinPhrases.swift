/// Phrases every agent understands without declaring them: asking for a human, a repeat, yes, no, goodbye.
enum BuiltinPhrases {
    static let human = [
        "can I speak to a human", "I want to talk to a person", "speak to someone", "a real person please",
        "transfer me to an operator", "let me talk to a representative", "agent please", "human please",
        "can I talk to a real person", "put me through to someone",
    ]
    static let repeatThat = [
        "can you repeat that", "say that again", "pardon", "sorry what was that", "what did you say",
        "repeat please", "come again", "I didn't catch that",
    ]
    static let goodbye = ["goodbye", "bye", "that's all thanks", "that's everything", "nothing else thank you", "that's it for today"]
    static let yes = ["yes", "yeah", "yep", "sure", "correct", "that's right", "please do", "go ahead", "absolutely", "ok", "okay", "right", "yes please"]
    static let no = ["no", "nope", "nah", "don't", "do not", "not really", "no thanks", "negative", "wrong", "that's wrong"]

    static var all: [String] { human + repeatThat + goodbye + yes + no }
}
