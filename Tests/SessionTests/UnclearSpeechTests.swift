import Agent
import Audio
import Foundation
import GRDB
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Session

/// A caller whose words could not be made out is asked again — never met with silence, never taken
/// as an answer — and the call goes on from where it was.
@Suite(.serialized) struct UnclearSpeechTests {
    private static func replies(_ events: [CallEvent]) -> [(text: String, reason: String)] {
        events.compactMap { if case let .brainDecided(_, _, path, reply, _) = $0.payload { (reply, path.reason) } else { nil } }
    }

    private static func sources(_ events: [CallEvent]) -> [FinalSource] {
        events.compactMap { if case let .finalSource(s) = $0.payload, s.speaker == .caller { s } else { nil } }
    }

    /// The real clinic agent, Whisper's two passes, a caller who answers "what's your name" with speech
    /// played backwards (a voice, no words), then with the name.
    @Test func wordsNobodyCouldMakeOutAreAskedAboutAgain() async throws {
        let (call, _, _) = try await ClinicCallTests.runCall(lines: [
            .say("I'd like to book an appointment on Tuesday at nine am"),
            .mumble("my name is John Smith and I would like to come in"),
            .say("John Smith"),
            .say("the fourth of March nineteen eighty"),
            .say("yes"),
        ], stt: .whisper)
        let events = call.bus.events
        let said = Self.replies(events)
        let asked = try #require(said.firstIndex { $0.reason.contains("could not be made out") },
                                 "no reply asked again; finals: \(Self.sources(events)), replies: \(said.map(\.text))")
        #expect(Self.sources(events).contains { $0.unclear == true }, "the final says its words were unclear")
        // The question asked before the mumble is asked again, after an apology.
        let before = said[asked - 1].text
        let again = said[asked].text
        #expect(again.hasPrefix("Sorry, I didn't catch that."), "\(again)")
        let question = try #require(SentenceSplitter.split(before).last { $0.hasSuffix("?") }, "no question before: \(before)")
        #expect(again.hasSuffix(question), "asked \(again), before \(before)")
        // Nothing was taken from the mumble: the name and the booking come from the lines after it.
        let owner = try await call.database?.read { db in
            try Int.fetchOne(db, sql: "SELECT patient_id FROM slots WHERE date = '2026-03-03' AND time = '09:00'")
        }
        #expect(owner == 1, "replies: \(said.map(\.text))")
    }
}
