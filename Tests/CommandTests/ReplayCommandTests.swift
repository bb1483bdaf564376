import Audio
import Foundation
import Testing
import TestSupport

/// `ringside replay`: a recorded call (a real `talk` run in virtual time) reopens turn by turn, as
/// text and on the call screen in tmux, and plays exactly the audio of the chosen turn.
@Suite(.serialized) struct ReplayCommandTests {
    static let lines = ["I'd like to book an appointment on Tuesday at nine am", "John Smith"]

    /// Records a two-line clinic call with `ringside talk --input … --virtual` and returns its folder.
    static func recordCall() throws -> URL {
        let dir = try TestPaths.temporaryDirectory("replay")
        let flite = try #require(TestPaths.executable("flite"))
        var samples = [Int16](repeating: 0, count: 16000)
        for (i, line) in lines.enumerated() {
            let path = dir.appendingPathComponent("line\(i).wav").path
            #expect(try runProgram(flite, ["-voice", "rms", "-t", line, "-o", path]).status == 0)
            samples += try WAVFile.read(path: path).mono(at: 16000)
            samples += [Int16](repeating: 0, count: 16000 * 6)
        }
        let caller = dir.appendingPathComponent("caller.wav").path
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: samples), to: caller)
        let record = dir.appendingPathComponent("rec")
        let run = try runProgram(TestPaths.builtProduct("ringside").path,
                                 ["talk", "--input", caller, "--output", dir.appendingPathComponent("agent.wav").path,
                                  "--no-tui", "--virtual", "--record", record.path])
        #expect(run.status == 0, "talk failed: \(run.stderr.suffix(600))")
        return record
    }

    @Test func printsEachTurnAndPlaysExactlyTheChosenTurn() throws {
        let record = try Self.recordCall()
        let ringside = TestPaths.builtProduct("ringside").path
        let listing = try runProgram(ringside, ["replay", record.path, "--no-tui"])
        #expect(listing.status == 0, "\(listing.stderr)")
        let text = listing.stdout
        #expect(text.contains("turn 1/"), "\(text)")
        #expect(text.lowercased().contains("caller: i'd like to book") || text.lowercased().contains("caller: i like to book"), "\(text)")
        #expect(text.lowercased().contains("smith"), "\(text)")
        #expect(text.contains("latency: voice-to-voice"), "\(text)")
        #expect(text.contains("agent:"), "\(text)")

        // Turn 2 played into a WAV: the same samples as both channels of call.wav mixed over the turn's span.
        let out = record.deletingLastPathComponent().appendingPathComponent("turn2.wav").path
        let played = try runProgram(ringside, ["replay", record.path, "--no-tui", "--turn", "2", "--play", "--output", out])
        #expect(played.status == 0, "\(played.stderr)")
        let header = try #require(played.stdout.split(separator: "\n").first { $0.hasPrefix("turn 2/") }, "\(played.stdout)")
        // "turn 2/N  a–b s"
        let span = header.split(separator: " ").dropFirst(2).joined(separator: " ").replacingOccurrences(of: " s", with: "")
        let bounds = span.split(separator: "–").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        #expect(bounds.count == 2, "\(header)")
        let audio = try WAVFile.read(path: out)
        let call = try WAVFile.read(path: record.appendingPathComponent("call.wav").path)
        #expect(audio.sampleRate == call.sampleRate)
        let first = Int((bounds[0] * Double(call.sampleRate)).rounded())
        let expectedCount = Int((bounds[1] * Double(call.sampleRate)).rounded()) - first
        // The printed bounds are rounded to 10 ms; the played length must agree within that.
        #expect(abs(audio.samples.count - expectedCount) <= call.sampleRate / 100 + 320, "played \(audio.samples.count), span \(expectedCount)")
        #expect(audio.samples.count > call.sampleRate, "turn 2 lasts over a second")
        let (left, right) = (call.channel(0), call.channel(1))
        // Align on the best offset within ±10 ms (the printed start is rounded), then compare sample for sample.
        var bestMismatch = Int.max
        for shift in -call.sampleRate / 100...call.sampleRate / 100 {
            var mismatches = 0
            for i in stride(from: 0, to: min(audio.samples.count, 16000 * 4), by: 7) {
                let j = first + shift + i
                guard j >= 0, j < left.count else { mismatches += 1; continue }
                if audio.samples[i] != Int16(clamping: Int(left[j]) + Int(right[j])) { mismatches += 1 }
            }
            bestMismatch = min(bestMismatch, mismatches)
        }
        #expect(bestMismatch == 0, "the played audio is not the recording's turn")
        #expect(AudioLevel(samples: audio.samples).peak > 0.05, "the turn has sound")
    }

    @Test(.enabled(if: TmuxHarness.available, "needs tmux and a built ringside"))
    func stepsTurnByTurnOnTheCallScreen() throws {
        let record = try Self.recordCall()
        let session = "replay"
        let command = "env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes \(TmuxHarness.binary) replay \(record.path) --output /dev/null"
        try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", command])
        defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }

        let first = try TmuxHarness.waitFor("REPLAY turn 1/", in: session)
        #expect(first.contains("REPLAY turn 1/"), "\(first)")
        #expect(!first.lowercased().contains("smith"), "turn 1 shows only what had happened by then:\n\(first)")
        try TmuxHarness.run(["send-keys", "-t", session, "Right"])
        _ = try TmuxHarness.waitFor("REPLAY turn 2/", in: session)
        try TmuxHarness.run(["send-keys", "-t", session, "Right"])
        let third = try TmuxHarness.waitFor("REPLAY turn 3/", in: session)
        #expect(third.lowercased().contains("smith"), "turn 3 (the name) is on screen:\n\(third)")
        #expect(third.contains("←/→ turn"), "the footer shows the replay keys")
        try TmuxHarness.run(["send-keys", "-t", session, "Home"])
        // Home as tmux sends it (\E[1~, which xterm's terminfo does not list): back to turn 1, not Esc.
        let back = try TmuxHarness.waitFor("REPLAY turn 1/", in: session)
        #expect(back.contains("REPLAY turn 1/"), "Home went back to turn 1:\n\(back)")
        #expect(!back.lowercased().contains("smith"), "\(back)")

        try TmuxHarness.run(["send-keys", "-t", session, "q"])
        #expect(try TmuxHarness.waitForExit(session), "ringside replay did not exit after q")
    }

    @Test func aRecordedCallBecomesAScenarioThatPasses() throws {
        let record = try Self.recordCall()
        let ringside = TestPaths.builtProduct("ringside").path
        let folder = record.deletingLastPathComponent().appendingPathComponent("scenario")
        let file = folder.appendingPathComponent("from-recording.yaml").path
        let clinic = TestPaths.repository.appendingPathComponent("sample-calls/clinic").path
        let convert = try runProgram(ringside, ["replay", record.path, "--to-scenario", file, "--agent", clinic])
        #expect(convert.status == 0, "\(convert.stderr)")
        let yaml = try String(contentsOfFile: file, encoding: .utf8)
        #expect(yaml.lowercased().contains("smith"), "the caller's lines are turns:\n\(yaml)")
        let clips = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".wav") }
        #expect(clips.count >= 2, "the caller's recorded audio is kept as clips: \(clips)")
        // The scenario must sit in the agent's calls/ folder to find its agent: copy the agent beside it.
        let agentCopy = folder.deletingLastPathComponent().appendingPathComponent("agent-copy")
        try FileManager.default.createDirectory(at: agentCopy, withIntermediateDirectories: true)
        for name in ["agent.yaml", "seed.sql"] {
            try FileManager.default.copyItem(atPath: clinic + "/" + name, toPath: agentCopy.appendingPathComponent(name).path)
        }
        try FileManager.default.moveItem(at: folder, to: agentCopy.appendingPathComponent("calls"))
        let run = try runProgram(ringside, ["test", agentCopy.appendingPathComponent("calls/from-recording.yaml").path])
        #expect(run.status == 0, "the recorded call replays green as a test:\n\(run.stdout.suffix(1500))\n\(run.stderr.suffix(600))")
    }

    @Test func aFolderThatIsNotARecordingIsAClearError() throws {
        let dir = try TestPaths.temporaryDirectory("not-a-recording")
        let run = try runProgram(TestPaths.builtProduct("ringside").path, ["replay", dir.path, "--no-tui"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("\(dir.path): not a Ringside recording (no events.jsonl)"), "\(run.stderr)")
    }
}
