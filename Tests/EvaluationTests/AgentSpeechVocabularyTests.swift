import Agent
import Foundation
import Speech
import Testing
import TestSupport
@testable import Evaluation

/// What the ear on a remote agent's side is taught: every line the agent file makes the agent say.
struct AgentSpeechVocabularyTests {
    @Test func everyLineOfTheAgentFileIsTaught() throws {
        let definition = try AgentLoader.load(directory: TestPaths.repository.appendingPathComponent("sample-calls/clinic"))
        let phrases = Set(AgentSpeechVocabulary.of(definition).phrases)
        for line in [definition.disclosure, definition.greeting, definition.escalation.say] {
            #expect(phrases.contains(line), "not taught: \(line)")
        }
        // A templated line is taught with sample values, never with its placeholders.
        #expect(!phrases.contains { $0.contains("{") }, "a placeholder reached the vocabulary")
    }
}
