import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport

/// A call process killed with SIGKILL mid-call leaves a recording that is still usable.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func killedCallLeavesARepairableWAVAndParseableEvents() throws {
        let dir = try TestPaths.temporaryDirectory("crash")
        let flite = try #require(TestPaths.executable("flite"))
        let said = dir.appendingPathComponent("said.wav").path
        #expect(try runProgram(flite, ["-voice", "rms", "-t", "I'd like to book an appointment on Tuesday at nine am", "-o", said]).status == 0)
        let speech = try WAVFile.read(path: said).mono(at: 16000)
        let silence = [Int16](repeating: 0, count: 16000 * 9)
        let caller = dir.appendingPathComponent("caller.wav").path
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: silence + speech + silence + silence), to: caller)

        let record = dir.appendingPathComponent("rec")
        let child = try ChildProcess.spawn(TestPaths.builtProduct("ringside").path,
                                           ["talk", "--input", caller, "--output", dir.appendingPathComponent("agent.wav").path,
                                            "--no-tui", "--record", record.path])
        // Wait (bounded) until the caller's words are in the event log, then kill the process outright.
        let events = record.appendingPathComponent("events.jsonl")
        var heard = false
        for _ in 0..<600 where !heard {
            heard = ((try? String(contentsOf: events, encoding: .utf8)) ?? "").contains("finalTranscript")
            if !heard { usleep(50_000) }
        }
        child.signal(SIGKILL)
        let status = child.wait()
        #expect(heard, "the call never transcribed the caller")
        #expect(status == 128 + SIGKILL)

        // Every complete line of the event log parses.
        let text = try String(contentsOf: events, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let complete = text.hasSuffix("\n") ? lines : lines.dropLast()
        #expect(complete.count >= 5)
        for line in complete { _ = try JSONDecoder().decode(CallEvent.self, from: Data(line.utf8)) }

        // The killed call replays as it stands (header unrepaired, last line possibly cut).
        let replay = try runProgram(TestPaths.builtProduct("ringside").path, ["replay", record.path, "--no-tui"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.contains("caller: "), "the caller's words replay: \(replay.stdout)")
        if !text.hasSuffix("\n") {
            #expect(replay.stderr.contains("events.jsonl:\(lines.count): not a complete event"), "\(replay.stderr)")
        }

        // The WAV plays after repair: a valid stereo file with at least the flushed seconds of audio.
        let wav = record.appendingPathComponent("call.wav").path
        let repaired = try runProgram(TestPaths.builtProduct("ringside").path, ["repair-wav", wav])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        let audio = try WAVFile.read(path: wav)
        #expect(audio.channels == 2)
        #expect(audio.duration >= 9, "recorded \(audio.duration) s before the kill")
        #expect(AudioLevel(samples: audio.channel(0)).peak > 0.05, "the caller's speech is in the recording")
    }
}
