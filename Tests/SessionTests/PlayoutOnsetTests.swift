import Agent
import Audio
import Foundation
import RingsideCore
import Speech
import Testing
@testable import Session

/// A reply starts at its first sound: the synthesiser's silent lead-in is never sent, so the
/// frame the session marks as the reply reaching the caller (`playoutStarted`) is one they hear,
/// and voice-to-voice on the screen ends where an acoustic measurement does.
@Suite(.serialized) struct PlayoutOnsetTests {
    @Test func everyReplysFirstFrameSentIsSound() async throws {
        let sink = RecordingSink()
        let call = try await BargeInTests.clinicCall([.say("What are your opening hours on Friday?")], sink: sink, callID: "onset")
        let starts = call.bus.events.filter { $0.payload == .playoutStarted }
        #expect(starts.count >= 2, "the greeting and an answer: \(starts.map(\.time))")
        let frames = sink.frames.withLock { $0 }
        for start in starts {
            // The frame written on the tick that started the reply (a virtual sink has no output delay).
            let first = try #require(frames.first { $0.timestamp == start.time }, "no frame sent at \(start.time)")
            #expect(AudioLevel(frame: first).isSound, "turn \(start.turn): the first frame sent is \(AudioLevel(frame: first).rmsDBFS) dBFS")
        }
    }
}
