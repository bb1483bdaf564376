import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport

/// `ringside talk` as a person uses it: in a terminal (tmux), talking through PulseAudio.
/// The caller's voice (flite) is played into a null sink whose monitor is Ringside's microphone.
@Suite(.serialized) struct TalkEndToEndTests {
    /// Run in its own test process (`make test` does: RINGSIDE_E2E=1 swift test --filter TalkEndToEnd).
    /// Known issue: after the whole suite in one process, the talk process's agent sometimes never answers;
    /// alone it passes every time. The cause is not found yet (see the closing note of the first session).
    static var requested: Bool { ProcessInfo.processInfo.environment["RINGSIDE_E2E"] == "1" }

    @Test(.enabled(if: TmuxHarness.available, "needs tmux and the built ringside binary"),
          .enabled(if: requested, "run separately: RINGSIDE_E2E=1 swift test --filter TalkEndToEnd (make test does)"))
    func talkShowsTranscriptLatencyAndToolThenQuitsWithACompleteRecording() async throws {
        let daemon = try PrivatePulseDaemon.start()
        let dir = try TestPaths.temporaryDirectory("talk-e2e")
        let record = dir.appendingPathComponent("rec")
        let flite = try #require(TestPaths.executable("flite"))
        let said = dir.appendingPathComponent("caller.wav").path
        #expect(try runProgram(flite, ["-voice", "rms", "-t", "What are your opening hours?", "-o", said]).status == 0)
        let caller = try WAVFile.read(path: said).mono(at: 16000)

        let session = "talk-\(getpid())"
        let command = "env LANG=C.UTF-8 TERM=xterm-256color PULSE_SERVER=\(daemon.server) RINGSIDE_THEMES=\(TmuxHarness.repository)/themes "
            + "\(TmuxHarness.binary) talk --agent \(TmuxHarness.repository)/sample-calls/clinic --mic \(daemon.micSourceName) "
            + "--speaker \(daemon.speakerSinkName) --record \(record.path)"
        try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "120", "-y", "36", command])
        defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }
        let greeted = try TmuxHarness.waitFor("How can I help you today?", in: session, seconds: 30)
        #expect(greeted.contains("How can I help you today?"), "screen:\n\(greeted)")

        // The caller answers the greeting once it has been heard (the recording's events are written live).
        var greetingHeard = false
        for _ in 0..<600 where !greetingHeard {
            let events = (try? String(contentsOf: record.appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
            greetingHeard = events.split(separator: "\n").contains { $0.contains("playoutFinished") && $0.contains("\"turn\":0") }
            if !greetingHeard { usleep(50_000) }
        }
        #expect(greetingHeard, "the greeting never finished playing")

        // Speak into the microphone, watching the screen while the words are still arriving.
        var options = PulseStreamOptions(server: daemon.server, device: daemon.micSinkName, rate: .hz16000, streamName: "test caller")
        options.bufferMilliseconds = 40
        let mouth = try PulsePlayback(options: options, clock: MonotonicClock())
        mouth.start()
        var partialSeen = false
        for (i, frame) in AudioFrame.frames(from: caller, rate: .hz16000).enumerated() {
            try mouth.write(frame)
            if i % 10 == 0, !partialSeen {
                let screen = try TmuxHarness.capture(session)
                partialSeen = screen.split(separator: "\n").contains { $0.contains("caller") && !$0.contains("caller ·") && $0.contains("…") }
            }
        }
        try mouth.close()

        // The tool's finished line (a started one shows "… opening_hours" for a moment first).
        let answered = try TmuxHarness.waitFor("✓ opening_hours", in: session, seconds: 90)
        #expect(partialSeen, "no partial transcript appeared while the caller spoke")
        #expect(answered.range(of: #"caller what .*hours"#, options: .regularExpression) != nil, "final transcript missing:\n\(answered)")
        #expect(answered.contains("✓ opening_hours"), "tool call line missing:\n\(answered)")
        #expect(answered.range(of: #"T1\s+█+"#, options: .regularExpression) != nil, "latency bar missing:\n\(answered)")

        // q asks during a call; y quits; the recording folder is complete.
        try TmuxHarness.run(["send-keys", "-t", session, "q"])
        let asked = try TmuxHarness.waitFor("Quit while the call is active?", in: session, seconds: 10)
        #expect(asked.contains("Quit while the call is active?"))
        try TmuxHarness.run(["send-keys", "-t", session, "y"])
        var finished = false
        for _ in 0..<200 where !finished {
            finished = FileManager.default.fileExists(atPath: record.appendingPathComponent("transcript.txt").path)
                && ((try? String(contentsOf: record.appendingPathComponent("transcript.txt"), encoding: .utf8)) ?? "").contains("call ended")
            if !finished { usleep(50_000) }
        }
        #expect(finished, "the call did not end cleanly")
        let audio = try WAVFile.read(path: record.appendingPathComponent("call.wav").path)
        #expect(audio.channels == 2 && audio.duration > 3)
        let events = try String(contentsOf: record.appendingPathComponent("events.jsonl"), encoding: .utf8).split(separator: "\n")
        for line in events { _ = try JSONDecoder().decode(CallEvent.self, from: Data(line.utf8)) }
        #expect(FileManager.default.fileExists(atPath: record.appendingPathComponent("audit.jsonl").path))
    }
}
