import Foundation
import RingsideCore
import Testing
@testable import Speech

@Suite("text normalisation, WER and language models")
struct TextTests {
    @Test("the normaliser lowers case, drops punctuation and fillers, spells numbers")
    func normaliser() {
        #expect(TranscriptNormalizer.normalize("Um, I'd like 3 appointments at 3:30 p.m.!") == ["i'd", "like", "three", "appointments", "at", "three", "thirty", "pm"])
        #expect(TranscriptNormalizer.normalize("order 4271") == ["order", "four", "two", "seven", "one"])
        #expect(TranscriptNormalizer.normalize("the 21st") == ["the", "twenty", "first"])
        #expect(TranscriptNormalizer.normalize("four oh two") == ["four", "zero", "two"])
    }

    @Test("word error rate counts substitutions, deletions and insertions")
    func wer() {
        #expect(WordErrorRate(reference: "book an appointment", hypothesis: "book an appointment").errors == 0)
        let w = WordErrorRate(reference: "book an appointment today", hypothesis: "look an appointment for")
        #expect(w.errors == 2 && w.referenceWords == 4)
        #expect(WordErrorRate(reference: "yes", hypothesis: "").rate == 1)
    }

    @Test("the scorer counts written forms of the same words alike, as Whisper's English normaliser does; homophones stay errors")
    func scoringEquivalences() {
        #expect(WordErrorRate(reference: "I'm free at two p m", hypothesis: "I am free at 2 p.m.").errors == 0)
        #expect(WordErrorRate(reference: "okay, see Dr. Patel at ten thirty", hypothesis: "O.K. see doctor Patel at 10.30").errors == 0)
        #expect(WordErrorRate(reference: "I don't know, it won't, we'll see", hypothesis: "I do not know it will not we will see").errors == 0)
        #expect(WordErrorRate(reference: "mm-hmm, alright", hypothesis: "Mhm, all right.").errors == 0)
        #expect(TranscriptNormalizer.scoring("I'd like it, can't I?") == ["i", "would", "like", "it", "can", "not", "i"])
        // What was heard wrong stays wrong: a homophone, a dropped contraction, another number.
        #expect(WordErrorRate(reference: "two pm", hypothesis: "to pm").errors == 1)
        #expect(WordErrorRate(reference: "I'd like that", hypothesis: "I like that").errors == 1)
        #expect(WordErrorRate(reference: "at ten thirty", hypothesis: "at 10.40").errors == 1)
    }

    @Test("Whisper's prompt carries the agent's names only before an answer expected to be one of them")
    func promptPerExpectation() {
        let names = ["Maria Garcia", "John Smith"], domain = ["appointment", "reschedule"]
        let asked = WhisperText.prompt(vocabulary: names, domainWords: domain, expectation: .oneOf(["Maria Garcia", "Peter Clark"]), limit: 250) ?? ""
        #expect(asked.hasPrefix("Maria Garcia, Peter Clark"))
        #expect(!asked.contains("John Smith") && asked.contains("reschedule"))
        for other: RecognitionExpectation? in [nil, .digits(count: 5), .yesNo, .date] {
            let prompt = WhisperText.prompt(vocabulary: names, domainWords: domain, expectation: other, limit: 250) ?? ""
            #expect(!prompt.contains("Maria") && prompt.contains("appointment"), "\(String(describing: other)): \(prompt)")
        }
        let everything = WhisperText.prompt(vocabulary: names, domainWords: domain, expectation: .digits(count: 5), scope: .everything, limit: 250) ?? ""
        #expect(everything.contains("Maria Garcia, John Smith"))
    }

    @Test("the generated ARPA model is a proper distribution")
    func arpa() throws {
        let lm = ArpaLanguageModel(sentences: [["book", "an", "appointment"], ["cancel", "an", "appointment"], ["book", "a", "table"]])
        let text = lm.arpa()
        #expect(text.hasPrefix("\\data\\"))
        #expect(text.contains("ngram 3="))
        // Unigram probabilities (excluding <s>) sum to one.
        let section = text.components(separatedBy: "\\1-grams:\n")[1].components(separatedBy: "\n\n")[0]
        let sum = section.split(separator: "\n").compactMap { line -> Double? in
            let f = line.split(separator: " ")
            return f[1] == "<s>" ? nil : pow(10, Double(f[0]) ?? -99)
        }.reduce(0, +)
        #expect(abs(sum - 1) < 0.01)
    }

    @Test("expectations are interpreted from the words")
    func interpreter() {
        #expect(ExpectationInterpreter.interpret("it's four oh two", as: .digits(count: 3)) == "402")
        #expect(ExpectationInterpreter.interpret("four two", as: .digits(count: 3)) == nil)
        #expect(ExpectationInterpreter.interpret("no thank you", as: .yesNo) == "no")
        #expect(ExpectationInterpreter.interpret("yeah sure", as: .yesNo) == "yes")
        #expect(ExpectationInterpreter.interpret("one hundred twenty three", as: .number) == "123")
        #expect(ExpectationInterpreter.interpret("for maria please", as: .oneOf(["Maria Garcia", "John Smith"])) == "Maria Garcia")
        #expect(ExpectationInterpreter.interpret("something else", as: .open) == nil)
    }
}
