import Foundation
import RingsideCore
import Synchronization
import Testing
import TestSupport
@testable import Audio

/// Real PulseAudio: Ringside's playback stream plays into a null sink and Ringside's capture
/// stream records its monitor; the captured audio must be the played audio, a measured delay later.
@Suite(.serialized) struct PulseLoopTests {
    static func fliteWAV(_ text: String) throws -> PCMAudio {
        let flite = try #require(TestPaths.executable("flite"), "flite is not installed; `make test` installs it")
        let path = try TestPaths.temporaryDirectory().appendingPathComponent("say.wav").path
        let run = try runProgram(flite, ["-voice", "slt", "-t", text, "-o", path])
        #expect(run.status == 0, "flite failed: \(run.stderr)")
        return try WAVFile.read(path: path)
    }

    @Test func playbackIsCapturedFromTheMonitor() throws {
        let daemon = try PrivatePulseDaemon.start()
        let source = try Self.fliteWAV("Hello, this is the Ringside audio loop test.").mono(at: 16000)
        let clock = MonotonicClock()
        let options = PulseStreamOptions(server: daemon.server, rate: .hz16000, bufferMilliseconds: 40)

        var captureOptions = options
        captureOptions.device = daemon.monitorName
        let capture = try PulseCapture(options: captureOptions, clock: clock, ringFrames: 500)
        let firstPlayed = Mutex<MediaTime?>(nil)
        var playbackOptions = options
        playbackOptions.device = daemon.sinkName
        let playback = try PulsePlayback(options: playbackOptions, clock: clock) { _, at in
            firstPlayed.withLock { if $0 == nil { $0 = at } }
        }
        capture.start()
        playback.start()
        let firstCaptured = try #require(try capture.nextFrame())
        var captured = firstCaptured.samples
        for frame in AudioFrame.frames(from: source, rate: .hz16000) { try playback.write(frame) }
        // Keep capturing for the length of the source plus a second of slack, counted in frames.
        let wanted = source.count + 16000
        while captured.count < wanted, let f = try capture.nextFrame() { captured += f.samples }
        try playback.close()
        capture.close()

        #expect(capture.droppedFrames == 0)
        // Find the source in the capture: coarse search on decimated audio, then refine.
        // Align on the first half second of speech: a scheduling hiccup later in the utterance
        // (an underrun on a loaded machine) must not hide where the sound arrived.
        let onset = source.firstIndex { abs(Int($0)) > 1000 } ?? 0
        let probe = Array(source[onset..<min(source.count, onset + 8000)])
        let located = SignalAlignment.locate(probe, in: captured)
        let fine = (lag: located.lag - onset, correlation: located.correlation)
        #expect(fine.correlation > 0.8, "captured audio should be the played audio (correlation \(fine.correlation))")

        let played = try #require(firstPlayed.withLock { $0 })
        let heardAt = firstCaptured.timestamp + MediaTime.seconds(Double(fine.lag) / 16000)
        let loopDelay = heardAt - played
        print("PulseAudio loop delay: \(String(format: "%.1f", loopDelay.milliseconds)) ms (correlation \(String(format: "%.3f", fine.correlation)))")
        #expect(loopDelay > .milliseconds(-25), "sound cannot arrive before it was played")
        #expect(loopDelay < .seconds(2))
    }

    @Test func deviceListShowsTheNullSinkAndItsMonitor() throws {
        let daemon = try PrivatePulseDaemon.start()
        let info = try PulseDevices.query(server: daemon.server)
        let sink = try #require(info.devices.first { $0.kind == .sink && $0.name == daemon.sinkName })
        #expect(sink.isDefault)
        let monitor = try #require(info.devices.first { $0.name == daemon.monitorName })
        #expect(monitor.isMonitor)
        #expect(monitor.kind == .source)
        #expect(info.defaultSource == daemon.monitorName)
    }

    @Test func unreachableServerIsAClearError() throws {
        let nowhere = "unix:" + (try TestPaths.temporaryDirectory().appendingPathComponent("no-socket").path)
        #expect {
            _ = try PulseDevices.query(server: nowhere)
        } throws: { error in
            guard case AudioServerError.unreachable = error else { return false }
            return "\(error)".contains("--input FILE.wav")
        }
        #expect(throws: AudioServerError.self) {
            _ = try PulseCapture(options: PulseStreamOptions(server: nowhere), clock: MonotonicClock())
        }
    }
}
