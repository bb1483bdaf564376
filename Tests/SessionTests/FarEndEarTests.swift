import Audio
import Foundation
import RingsideCore
import Speech
import Testing
@testable import Session

/// The far end's ear: one "finished speaking" rule whether it hears a sink's sound (a scenario call
/// through a PulseAudio loop) or a remote agent's words (a SIP call, a remote scenario run).
@Suite struct FarEndEarTests {
    /// What an ear decided over a whole stream, each event with the frame on which it was decided.
    struct Heard {
        var started: [CallEvent] = []
        var finished: [(event: CallEvent, decidedBy: MediaTime)] = []
        var words: [String] = []
    }

    static func hear(_ ear: FarEndEar, _ audio: ScriptedAudio, callerEnded turn: Int? = nil) async throws -> Heard {
        var heard = Heard()
        if let turn { ear.observe(CallEvent(callID: "t", turn: turn, time: .zero, stage: .endpoint, payload: .endOfTurn(trueEnd: .zero, rule: .scripted))) }
        while let frame = try audio.nextFrame() {
            for e in try await ear.process(frame) {
                switch e.payload {
                case .playoutStarted: heard.started.append(e)
                case .playoutFinished: heard.finished.append((e, frame.timestamp + AudioFrame.duration))
                case let .farEndHeard(text): heard.words.append(text)
                default: break
                }
            }
        }
        return heard
    }

    /// Two replies of two sentences each (the pause inside a reply is flite's own), 1.4 s apart.
    static func twoReplies() async throws -> ScriptedAudio {
        try await ScriptedAudio.speaking(["Thanks, Mary. On Tuesday I have nine a m.", "Your appointment is booked. Goodbye."],
                                         gaps: [.milliseconds(1400), .milliseconds(1600)], lead: .milliseconds(400), voice: "slt")
    }

    static let voiced: @Sendable (AudioFrame) -> Bool = { AudioLevel(samples: $0.samples).rms > 0.01 }

    @Test func soundAndWordsFinishTheSameRepliesAtTheSamePoint() async throws {
        let bySound = try await Self.hear(FarEndEar(callID: "t", .sound(voiced: Self.voiced)), try await Self.twoReplies())
        let listener = SpeechListener(recognizer: try PocketSphinxRecognizer(configuration: .standard()), vad: EnergyVAD(), callID: "t",
                                      speaker: .agent, firstTurn: 0)
        let byWords = try await Self.hear(FarEndEar(callID: "t", .words(listener)), try await Self.twoReplies())

        // The pause between a reply's sentences does not end it; the 1.4 s between replies does.
        #expect(bySound.started.count == 2, "started: \(bySound.started.map(\.time))")
        #expect(bySound.finished.count == 2, "finished: \(bySound.finished.map(\.event.time))")
        #expect(byWords.started.count == 2, "started: \(byWords.started.map(\.time))")
        #expect(byWords.finished.count == 2, "finished: \(byWords.finished.map(\.event.time))")
        #expect(!byWords.words.isEmpty, "the agent's words are heard")
        for (s, w) in zip(bySound.finished, byWords.finished) {
            // Both ears put the end of a reply at its last sound, within the VAD's frame of difference.
            #expect(abs((s.event.time - w.event.time).milliseconds) <= 100, "sound \(s.event.time), words \(w.event.time)")
            // The sound ear decides on the first frame quiet for `finishedAfter`; the words ear no earlier.
            #expect(s.decidedBy - s.event.time >= FarEndEar.finishedAfter)
            #expect(s.decidedBy - s.event.time < FarEndEar.finishedAfter + AudioFrame.duration)
            #expect(w.decidedBy - w.event.time >= FarEndEar.finishedAfter)
        }
        for (s, w) in zip(bySound.started, byWords.started) {
            #expect(abs((s.time - w.time).milliseconds) <= 100, "sound \(s.time), words \(w.time)")
        }
    }

    @Test func theFirstSoundAfterACallerTurnIsThatTurnsReply() async throws {
        let ear = FarEndEar(callID: "t", .sound(voiced: Self.voiced))
        let heard = try await Self.hear(ear, try await Self.twoReplies(), callerEnded: 3)
        // The first reply answers turn 3; the second, unasked for, is counted on the same turn, not as a new answer.
        #expect(heard.started.map(\.turn) == [3, 3])
        #expect(heard.finished.map(\.event.turn) == [3, 3])
    }
}
