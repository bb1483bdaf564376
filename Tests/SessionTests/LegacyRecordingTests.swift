import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Session

/// Recordings written before the event payloads were typed (end-of-turn rule, answer path, SIP state
/// and RTP direction as strings) still load for `ringside replay`.
@Suite struct LegacyRecordingTests {
    /// Lines of a recording made by `ringside talk --virtual --record` before the change (level events
    /// left out), and SIP and RTP lines as the same encoder wrote them then.
    static let oldEvents = #"""
    {"callID":"48959d5b","payload":{"callStarted":{"agent":"Riverside Clinic","transport":"embedded"}},"stage":"session","time":0,"turn":0}
    {"callID":"48959d5b","payload":{"brainDecided":{"confidence":1,"expects":"{\"open\":{}}","path":"intent-engine: greeting with disclosure","reply":"Hello, you're speaking with Riverside Clinic's automated assistant. I'm an AI, and this call may be recorded. How can I help you today?"}},"stage":"brain","time":0,"turn":0}
    {"callID":"48959d5b","payload":{"ttsRequested":{"text":"Hello, you're speaking with Riverside Clinic's automated assistant."}},"stage":"tts","time":0,"turn":0}
    {"callID":"48959d5b","payload":{"speechStarted":{"speaker":"caller"}},"stage":"vad","time":1000000000,"turn":1}
    {"callID":"48959d5b","payload":{"speechStopped":{"speaker":"caller","trueEnd":3260000000}},"stage":"vad","time":3420000000,"turn":1}
    {"callID":"48959d5b","payload":{"endOfTurn":{"rule":"neutral","trueEnd":3260000000}},"stage":"endpoint","time":4860000000,"turn":1}
    {"callID":"48959d5b","payload":{"finalSource":{"_0":{"engine":"whisper","speaker":"caller","speculative":false,"waitMs":5498}}},"stage":"stt","time":4860000000,"turn":1}
    {"callID":"48959d5b","payload":{"finalTranscript":{"confidence":0.9337913990020752,"speaker":"caller","text":"i would like to book an appointment"}},"stage":"stt","time":4860000000,"turn":1}
    {"callID":"48959d5b","payload":{"brainDecided":{"confidence":1,"expects":"{\"date\":{}}","intent":"book","path":"hybrid → intent-engine (a flow is under way); intent-engine: slot name filled","reply":"And your date of birth?"}},"stage":"brain","time":4860000000,"turn":1}
    {"callID":"48959d5b","payload":{"endOfTurn":{"rule":"smart turn 0.87","trueEnd":10460000000}},"stage":"endpoint","time":10680000000,"turn":2}
    {"callID":"48959d5b","payload":{"brainDecided":{"confidence":0,"expects":"{\"open\":{}}","path":"takeover: the human is answering","reply":""}},"stage":"brain","time":10680000000,"turn":2}
    {"callID":"48959d5b","payload":{"sipState":{"_0":"connected PCMU call 3 with sip:alice@127.0.0.1:5070"}},"stage":"sip","time":10700000000,"turn":2}
    {"callID":"48959d5b","payload":{"sipState":{"_0":"on hold (recvonly)"}},"stage":"sip","time":10800000000,"turn":2}
    {"callID":"48959d5b","payload":{"sipState":{"_0":"transferring to sip:desk@127.0.0.1:5080 (REFER)"}},"stage":"sip","time":10900000000,"turn":2}
    {"callID":"48959d5b","payload":{"sipState":{"_0":"bridge ended: the target hung up"}},"stage":"sip","time":11000000000,"turn":2}
    {"callID":"48959d5b","payload":{"rtpStats":{"_0":{"codec":"PCMU","direction":"in","jitterMs":3.5,"lost":2,"packets":800}}},"stage":"rtp","time":11000000000,"turn":2}
    {"callID":"48959d5b","payload":{"callEnded":{"reason":"caller audio ended"}},"stage":"session","time":16660000000,"turn":2}
    """#

    @Test func anOldRecordingLoadsWithTypedPayloads() throws {
        let dir = try TestPaths.temporaryDirectory().appendingPathComponent("old")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Self.oldEvents.write(to: dir.appendingPathComponent(CallRecorder.FileName.events), atomically: true, encoding: .utf8)
        let recording = try Recording.load(dir)
        #expect(recording.problems.filter { $0.contains("events.jsonl") }.isEmpty, "\(recording.problems)")
        #expect(recording.events.count == 17)
        let payloads = recording.events.map(\.payload)
        let rules = payloads.compactMap { if case let .endOfTurn(_, rule) = $0 { return rule } else { return nil } }
        #expect(rules == [.silence(.neutral), .learnedModel(probability: 0.87)])
        let paths = payloads.compactMap { if case let .brainDecided(_, _, path, _, _) = $0 { return path } else { return nil } }
        #expect(paths == [AnswerPath(.intentEngine, reason: "greeting with disclosure"),
                          AnswerPath(.intentEngine, hybrid: true, reason: "(a flow is under way); intent-engine: slot name filled"),
                          AnswerPath(.human, reason: "the human is answering")])
        let states = payloads.compactMap { if case let .sipState(s) = $0 { return s } else { return nil } }
        #expect(states == [.connected(codec: "PCMU", peer: "call 3 with sip:alice@127.0.0.1:5070"), .onHold(direction: .recvonly),
                           .transferring(target: "sip:desk@127.0.0.1:5080", method: .refer), .bridgeEnded(side: .target, reason: "hung up")])
        #expect(payloads.contains { if case let .rtpStats(s) = $0 { return s.direction == .received } else { return false } })
        #expect(recording.turns.map(\.number) == [0, 1, 2])
        #expect(recording.turns[1].callerText == "i would like to book an appointment")
    }

    /// A state no version ever wrote is an error naming it, not a silent guess.
    @Test func anUnknownOldSentenceIsAnError() {
        let line = #"{"callID":"c","payload":{"sipState":{"_0":"dancing"}},"stage":"sip","time":0,"turn":0}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CallEvent.self, from: Data(line.utf8)) }
        let rule = #"{"callID":"c","payload":{"endOfTurn":{"rule":"whenever","trueEnd":0}},"stage":"endpoint","time":0,"turn":0}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CallEvent.self, from: Data(rule.utf8)) }
    }

    /// New recordings keep the typed payloads readable: the rule as its phrase, the state as named fields.
    @Test func newEncodingIsReadable() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let rule = String(decoding: try encoder.encode(CallEventPayload.endOfTurn(trueEnd: .zero, rule: .silence(.likelyComplete))), as: UTF8.self)
        #expect(rule.contains(#""rule":"likely complete""#), "\(rule)")
        let state = String(decoding: try encoder.encode(CallEventPayload.sipState(.onHold(direction: .sendonly))), as: UTF8.self)
        #expect(state.contains(#"{"onHold":{"direction":"sendonly"}}"#), "\(state)")
    }
}
