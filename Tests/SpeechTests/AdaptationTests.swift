import Audio
import RingsideCore
import Testing
@testable import Speech

@Suite("domain adaptation and expectations")
struct AdaptationTests {
    /// Clinic vocabulary the Agent runtime might supply.
    static let vocabulary = DomainVocabulary(
        phrases: ["I'd like to book an appointment", "I'd like to book an appointment with Doctor Patel",
                  "can I reschedule my appointment", "I need to cancel my appointment", "my order number is",
                  "next Tuesday at three pm", "is the clinic open on Saturday", "I want to see the nurse",
                  "my name is Maria Garcia", "can I get a repeat prescription", "the appointment is for my daughter"],
        slotValues: ["Maria Garcia", "John Smith", "Doctor Patel", "Priya Raman", "Tuesday", "Thursday"])

    /// In-domain sentences that are not in the vocabulary.
    static let heldBack = [
        ("I'd like to book an appointment for Thursday", "slt"),
        ("can I reschedule my appointment with Doctor Patel", "slt"),
        ("I need a repeat prescription please", "rms"),
        ("the appointment is for Priya Raman", "awb"),
        ("is the clinic open next Tuesday", "slt"),
        ("I want to cancel my appointment with the nurse", "rms"),
    ]

    @Test("an adapted model recognises held-back in-domain sentences better than the generic one")
    func adaptedBeatsGeneric() async throws {
        let generic = try SpeechFixtures.recognizer()
        let adapted = try SpeechFixtures.recognizer()
        let took = try await adapted.adapt(to: Self.vocabulary)
        #expect(took < .milliseconds(1500))  // ≈ 0.1 s alone; tests run in parallel on 2 cores
        var g = WordErrorRate(errors: 0, referenceWords: 0)
        var a = WordErrorRate(errors: 0, referenceWords: 0)
        for (text, voice) in Self.heldBack {
            let frames = try await SpeechFixtures.speak(text, voice: voice)
            g = g + WordErrorRate(reference: text, hypothesis: try await SpeechFixtures.recognise(frames, with: generic).final.text)
            a = a + WordErrorRate(reference: text, hypothesis: try await SpeechFixtures.recognise(frames, with: adapted).final.text)
        }
        #expect(a.rate < g.rate, "adapted WER \(a.rate) vs generic \(g.rate)")
    }

    @Test("a digits expectation turns a spoken order number into its digits")
    func digitsExpectation() async throws {
        let r = try SpeechFixtures.recognizer()
        let frames = try await SpeechFixtures.speak("my order number is four seven one nine two eight", voice: "rms")
        let (_, final) = try await SpeechFixtures.recognise(frames, with: r, expecting: .digits(count: 6))
        #expect(final.interpretation == "471928", "heard '\(final.text)'")
        // Open recognition afterwards has no interpretation.
        let (_, open) = try await SpeechFixtures.recognise(frames, with: r, expecting: nil)
        #expect(open.interpretation == nil)
    }

    @Test("a yes/no expectation reads the answer; a oneOf expectation names the option")
    func yesNoAndOneOf() async throws {
        let r = try SpeechFixtures.recognizer()
        let yes = try await SpeechFixtures.speak("yes that's right", voice: "awb")
        #expect(try await SpeechFixtures.recognise(yes, with: r, expecting: .yesNo).final.interpretation == "yes")
        let name = try await SpeechFixtures.speak("it's for John Smith", voice: "rms")
        let options = ["Maria Garcia", "John Smith", "Priya Raman"]
        #expect(try await SpeechFixtures.recognise(name, with: r, expecting: .oneOf(options)).final.interpretation == "John Smith")
    }

    @Test("words missing from the dictionary get pronunciations")
    func pronunciations() {
        #expect(FliteLexicon.phones(for: "garcia")?.split(separator: " ").first == "G")
        #expect(FliteLexicon.phones(for: "ringsidezq") != nil)
    }
}
