import Audio
import Foundation
import RingsideCore
import Speech
import Testing
import TestSupport
@testable import Session

/// A live call to a far end (`ringside call`, supervise): the far end's audio is what paces it.
@Suite struct RemoteCallSessionTests {
    /// The agent's audio keeps reaching the speaker while the caller's final is worked out: a tick
    /// that waited for the final would hold the agent's voice back by the whole decode (Whisper's
    /// 0.2–0.5 s), and the caller would hear the agent that much later.
    @Test func theFarEndPlaysOnWhileTheCallersFinalIsWorkedOut() async throws {
        let caller = try await ScriptedAudio.speaking(["yes that's right"], gaps: [.seconds(3)], lead: .milliseconds(400), voice: "rms")
        let farEnd = ScriptedAudio(samples: ScriptedAudio.silence(.seconds(8)))
        let gate = FinalGate()
        let bus = CallEventBus(callID: "t", clock: VirtualClock())
        let ended = LockedValue(false), finalHeard = LockedValue(false)
        bus.observeInline { e in
            if case .endOfTurn = e.payload { ended.withLock { $0 = true } }
            if case let .finalTranscript(speaker, _, _) = e.payload, speaker == .caller { finalHeard.withLock { $0 = true } }
        }
        let framesWhileWorking = LockedValue(0)
        // The speaker gets one agent frame per tick; count those after the caller's turn ended and
        // before its final, and let the recogniser finish after ten of them.
        let speaker = CallbackSink {
            guard ended.value, !finalHeard.value, !gate.isOpen else { return }
            if framesWhileWorking.withLock({ n -> Int in n += 1; return n }) == 10 { gate.open() }
        }
        let recognizer = AlteredRecognizer(try PocketSphinxRecognizer(configuration: .standard()), beforeFinal: { await gate.wait() })
        let session = RemoteCallSession(bus: bus, microphone: caller, speaker: speaker, farEndIn: farEnd, farEndOut: CallbackSink {},
                                        callerRecognizer: recognizer, agentRecognizer: try PocketSphinxRecognizer(configuration: .standard()),
                                        vad: { EnergyVAD() })
        _ = await session.run(transport: "test")
        // A tick that waits for the final plays nothing while the gate is shut (it opens itself after 5 s).
        #expect(framesWhileWorking.value == 10)
        let finals = bus.events.filter { if case .finalTranscript(.caller, _, _) = $0.payload { true } else { false } }
        #expect(finals.count == 1)
        if case let .finalTranscript(_, text, _) = finals.first?.payload {
            #expect(WordErrorRate(reference: "yes that's right", hypothesis: text).rate <= 0.34, "got '\(text)'")
        }
        #expect(finals.first?.turn == 1)
    }
}

/// A sink that calls back on every frame it is given.
final class CallbackSink: AudioSink, @unchecked Sendable {
    let rate: SampleRate = .hz16000
    let onWrite: @Sendable () -> Void
    init(_ onWrite: @escaping @Sendable () -> Void) { self.onWrite = onWrite }
    func write(_ frame: AudioFrame) throws { onWrite() }
    func close() throws {}
    var outputDelay: MediaTime { .zero }
    func discardQueued() -> Int { 0 }
    var wantsContinuousAudio: Bool { false }
}
