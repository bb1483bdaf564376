import Agent
import Audio
import Foundation
import GRDB
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Session

/// Whole calls on the embedded pipeline in virtual time: a simulated caller speaks with flite, real
/// pocketsphinx hears it, the real clinic agent answers from its SQLite database, flite speaks back.
@Suite(.serialized) struct ClinicCallTests {
    static var clinic: URL { TestPaths.repository.appendingPathComponent("sample-calls/clinic") }

    static func runCall(lines: [SimulatedCaller.Line], callerVoice: String = "rms", speculate: Bool = false,
                        stt: RecognizerEngine? = nil) async throws -> (EmbeddedCall, String, URL) {
        let dir = try TestPaths.temporaryDirectory("session")
        let clock = VirtualClock()
        var options = EmbeddedCall.Options(agentDirectory: clinic, callID: "test", clock: clock, realtime: false,
                                           recordDirectory: dir.appendingPathComponent("rec"), approvalMode: .approveAll)
        options.transcribeOperator = false
        options.speculate = speculate
        if let stt { options.stt = stt }
        let out = try WAVFileSink(path: dir.appendingPathComponent("agent.wav").path, rate: .hz16000)
        let callerVoiceEngine = try FliteSynthesizer(voice: callerVoice)
        let call = try await EmbeddedCall.make(options, audio: .init(
            caller: { bus in SimulatedCaller(lines: lines, synthesizer: callerVoiceEngine, rate: .hz16000, bus: bus) },
            farEnd: out))
        let reason = await call.session.run()
        return (call, reason, dir)
    }

    @Test func bookingCallProducesOrderedEventsABookedRowAndConsistentLatencies() async throws {
        let (call, reason, dir) = try await Self.runCall(lines: [
            .say("I'd like to book an appointment on Tuesday at nine am"),
            .say("John Smith"),
            .say("the fourth of March nineteen eighty"),
            .say("yes"),
        ])
        let events = call.bus.events
        let finals = events.compactMap { e -> String? in
            if case let .finalTranscript(.caller, text, _) = e.payload { return text } else { return nil }
        }
        #expect(finals.count == 4, "caller finals: \(finals)")
        #expect(reason == "caller audio ended")

        // The booking reached the database: Tuesday 3 March 09:00 now belongs to John Smith (id 1).
        let owner = try await call.database?.read { db in try Int.fetchOne(db, sql: "SELECT patient_id FROM slots WHERE date = '2026-03-03' AND time = '09:00'") }
        #expect(owner == 1, "finals were: \(finals)")

        // Order within the first caller turn, as the pipeline must produce it.
        let turn1 = events.filter { $0.turn == 1 }.map { e -> String in
            switch e.payload {
            case .speechStarted: return "speechStarted"
            case .speechStopped: return "speechStopped"
            case .endOfTurn: return "endOfTurn"
            case .finalTranscript: return "final"
            case .brainStarted: return "brainStarted"
            case .brainDecided: return "brainDecided"
            case .ttsRequested: return "ttsRequested"
            case .ttsFirstAudio: return "ttsFirstAudio"
            case .playoutStarted: return "playoutStarted"
            default: return ""
            }
        }.filter { !$0.isEmpty }
        let expectedOrder = ["speechStarted", "speechStopped", "endOfTurn", "final", "brainStarted", "brainDecided", "ttsRequested", "ttsFirstAudio", "playoutStarted"]
        var cursor = 0
        for name in turn1 where cursor < expectedOrder.count && name == expectedOrder[cursor] { cursor += 1 }
        #expect(cursor == expectedOrder.count, "turn 1 events: \(turn1)")

        // Per-turn latencies come from event times and add up.
        let turns = TurnLatency.turns(from: events).filter { $0.voiceToVoiceMs != nil }
        #expect(turns.count >= 4)
        for t in turns {
            let v2v = try #require(t.voiceToVoiceMs)
            #expect(v2v > 0)
            let sum = t.stageBreakdown.map(\.ms).reduce(0, +)
            for stage in t.stageBreakdown { #expect(stage.ms <= v2v + 0.001, "turn \(t.turn): \(stage.stage) \(stage.ms) > \(v2v)") }
            #expect(sum <= v2v + 0.5, "turn \(t.turn): stages \(sum) ms > voice-to-voice \(v2v) ms")
        }

        // The recording is complete: stereo WAV as long as the call, events, transcript with the booking.
        let rec = dir.appendingPathComponent("rec")
        let audio = try WAVFile.read(path: rec.appendingPathComponent("call.wav").path)
        #expect(audio.channels == 2)
        let last = try #require(events.last)
        #expect(abs(audio.duration - last.time.seconds) < 0.1)
        #expect(AudioLevel(samples: audio.channel(0)).rms > 0.005, "caller channel has speech")
        #expect(AudioLevel(samples: audio.channel(1)).rms > 0.005, "agent channel has speech")
        let transcript = try String(contentsOf: rec.appendingPathComponent("transcript.txt"), encoding: .utf8)
        #expect(transcript.contains("book_slot"))
        #expect(!transcript.contains("1980-03-04"), "the date of birth is redacted in the transcript")
        let lines = try String(contentsOf: rec.appendingPathComponent("events.jsonl"), encoding: .utf8).split(separator: "\n")
        // Every event but the live partials (left out of recordings) is on record.
        #expect(lines.count == events.filter { if case .partialTranscript = $0.payload { return false } else { return true } }.count)
        let agentOut = try WAVFile.read(path: dir.appendingPathComponent("agent.wav").path)
        #expect(abs(agentOut.duration - audio.duration) < 0.1, "the agent output file keeps call time")
    }
}
