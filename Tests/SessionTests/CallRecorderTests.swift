import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Session

@Suite struct CallRecorderTests {
    @Test func halfHeardPartialsStayOutOfTheRecordAndTheRedactedFinalStays() async throws {
        let dir = try TestPaths.temporaryDirectory().appendingPathComponent("call")
        let recorder = try CallRecorder(directory: dir, rate: .hz16000)
        let bus = CallEventBus(callID: "c1", clock: VirtualClock())
        bus.observe(recorder.observe)
        bus.emit(.stt, .partialTranscript(speaker: .caller, text: "the ninth of septem"))
        bus.emit(.stt, .finalTranscript(speaker: .caller, text: "[dob]", confidence: 0.8))
        await bus.drain()
        recorder.close()
        let text = try String(contentsOf: dir.appendingPathComponent("events.jsonl"), encoding: .utf8)
        #expect(!text.contains("septem"), "a partial fragment reached the log: \(text)")
        #expect(text.contains("[dob]"))
        #expect(bus.events.count == 2, "the live stream (the screen) still has the partial")
    }

    @Test func writesAlignedStereoEventsAndTranscript() async throws {
        let dir = try TestPaths.temporaryDirectory().appendingPathComponent("call")
        let recorder = try CallRecorder(directory: dir, rate: .hz16000, meta: ["agent": "clinic"])
        let bus = CallEventBus(callID: "c1", clock: VirtualClock())
        bus.observe(recorder.observe)
        for i in 0..<100 {
            let caller = AudioFrame(rate: .hz16000, samples: [Int16](repeating: 1000, count: 320), timestamp: .milliseconds(Double(i) * 20))
            let agent = i >= 50 ? AudioFrame(rate: .hz16000, samples: [Int16](repeating: -2000, count: 320), timestamp: .zero) : nil
            recorder.record(caller: caller, agent: agent)
        }
        bus.emit(.stt, .finalTranscript(speaker: .caller, text: "I need an appointment", confidence: 0.8))
        bus.emit(.tts, .ttsRequested(text: "Sure, which day?"))
        await bus.drain()
        recorder.close()

        let audio = try WAVFile.read(path: dir.appendingPathComponent("call.wav").path)
        #expect(audio.channels == 2)
        #expect(audio.frameCount == 100 * 320)
        let left = audio.channel(0), right = audio.channel(1)
        #expect(left.allSatisfy { $0 == 1000 })
        #expect(right[0..<(50 * 320)].allSatisfy { $0 == 0 })
        #expect(right[(50 * 320)...].allSatisfy { $0 == -2000 })

        let lines = try String(contentsOf: dir.appendingPathComponent("events.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let decoded = try lines.map { try JSONDecoder().decode(CallEvent.self, from: Data($0.utf8)) }
        #expect(decoded == bus.events)
        let transcript = try String(contentsOf: dir.appendingPathComponent("transcript.txt"), encoding: .utf8)
        #expect(transcript.contains("caller: I need an appointment"))
        #expect(transcript.contains("agent: Sure, which day?"))
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("meta.json"))) as? [String: String]
        #expect(meta?["agent"] == "clinic")
    }

    /// What a crash leaves: files read from disk while the recorder is still open, never closed.
    @Test func unclosedRecordingIsReadableUpToTheLastFlush() async throws {
        let dir = try TestPaths.temporaryDirectory().appendingPathComponent("crash")
        let recorder = try CallRecorder(directory: dir, rate: .hz8000)
        let bus = CallEventBus(callID: "c2", clock: VirtualClock())
        bus.observe(recorder.observe)
        for i in 0..<130 {
            recorder.record(caller: AudioFrame(rate: .hz8000, samples: [Int16](repeating: Int16(i), count: 160), timestamp: .zero), agent: nil)
            if i % 10 == 0 { bus.emit(.vad, .speechStarted(speaker: .caller)) }
        }
        // Events are written as each reaches the recorder's queue, not flushed with the audio.
        await bus.drain()
        // 130 ticks: two flushes happened (at 50 and 100); the last 30 ticks are still in memory.
        let audio = try WAVFile.read(path: dir.appendingPathComponent("call.wav").path, lenient: true)
        #expect(audio.frameCount == 100 * 160)
        let lines = try String(contentsOf: dir.appendingPathComponent("events.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 13)
        for line in lines { _ = try JSONDecoder().decode(CallEvent.self, from: Data(line.utf8)) }
        withExtendedLifetime(recorder) {}
    }
}
