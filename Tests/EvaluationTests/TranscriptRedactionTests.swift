import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Evaluation

/// The report's transcript goes through the event model's one redaction rule: a secret in any free-text
/// field of any kind of event never reaches it, while the far end's speech reads as the agent's.
@Suite struct TranscriptRedactionTests {
    @Test func noReportLineHoldsASecret() {
        let secret = "s3cret-4242"
        let events = CallEventSamples.every(text: secret, name: "plain-name").enumerated().map { i, payload in
            CallEvent(callID: "c", turn: 1, time: .milliseconds(Double(i)), stage: .session, payload: payload)
        }
        let lines = TranscriptBuilder.lines(from: events) { $0.replacingOccurrences(of: secret, with: "[redacted]") }
        #expect(lines.count > 10)
        for line in lines { #expect(!line.text.contains(secret), "\(line)") }
        let unredacted = TranscriptBuilder.lines(from: events) { $0 }
        #expect(unredacted.contains { $0.text.contains(secret) }, "the samples reach the transcript at all")
    }

    @Test func theFarEndsSpeechIsTheAgentsLine() {
        let events = [CallEvent(callID: "c", turn: 1, time: .seconds(1), stage: .stt, payload: .farEndHeard(text: "how can I help"))]
        let lines = TranscriptBuilder.lines(from: events) { $0 }
        #expect(lines.map(\.who) == [.agent])
        #expect(lines.map(\.text) == ["how can I help"])
    }
}
