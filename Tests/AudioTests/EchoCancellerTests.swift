import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Audio

/// PulseAudio's module-echo-cancel loaded by Ringside on a private daemon: its devices appear, the
/// agent's voice played to the cancelled speaker is removed from the cancelled microphone (whose
/// master hears the speaker at full level, a loud room), and unloading leaves nothing behind.
@Suite(.serialized) struct EchoCancellerTests {
    @Test func cancelsTheSpeakersOwnSoundAndUnloadsCleanly() throws {
        let daemon = try PrivatePulseDaemon.start()
        // The room: whatever the speaker plays reaches the microphone 30 ms later, at full level (a
        // loopback from the speaker's monitor into the microphone's sink; the module refuses a sink's
        // own monitor as its microphone, and a direct remap of it deadlocks the daemon).
        let room = try PulseModules.load("module-loopback",
                                         arguments: "source=\(daemon.speakerSinkName).monitor sink=\(daemon.micSinkName) latency_msec=30",
                                         server: daemon.server)
        defer { PulseModules.unload(room, server: daemon.server) }
        let aec = try EchoCanceller.load(server: daemon.server, microphone: daemon.micSourceName, speaker: daemon.speakerSinkName)
        let devices = try PulseDevices.query(server: daemon.server).devices
        #expect(devices.contains { $0.kind == .source && $0.name == aec.source })
        #expect(devices.contains { $0.kind == .sink && $0.name == aec.sink })
        #expect(try aec.isLoaded())

        // Loading again (as after a killed run) replaces the module instead of failing on the names.
        let again = try EchoCanceller.load(server: daemon.server, microphone: daemon.micSourceName, speaker: daemon.speakerSinkName)
        #expect(try !aec.isLoaded(), "the earlier module was unloaded")
        #expect(try again.isLoaded())

        let flite = try #require(TestPaths.executable("flite"))
        let path = try TestPaths.temporaryDirectory("aec").appendingPathComponent("agent.wav").path
        let text = "Thanks for calling Riverside Clinic. I can book, move or cancel an appointment. "
        #expect(try runProgram(flite, ["-voice", "kal", "-t", text + text + text, "-o", path]).status == 0)
        let speech = try WAVFile.read(path: path).mono(at: 16000)

        let clock = MonotonicClock()
        func capture(_ device: String) throws -> PulseCapture {
            let c = try PulseCapture(options: PulseStreamOptions(server: daemon.server, device: device, rate: .hz16000, bufferMilliseconds: 40),
                                     clock: clock, ringFrames: 2_000)
            c.start()
            return c
        }
        let cancelled = try capture(again.source)
        let raw = try capture(daemon.micSourceName)
        let playback = try PulsePlayback(options: PulseStreamOptions(server: daemon.server, device: again.sink, rate: .hz16000, bufferMilliseconds: 40),
                                         clock: clock)
        playback.start()
        for frame in AudioFrame.frames(from: speech, rate: .hz16000) { try playback.write(frame) }
        try playback.close()
        // A stalled server must not hang the test: the captures close after a generous deadline.
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(60)) {
            cancelled.close()
            raw.close()
        }
        // Read as many frames as were played from each capture (bounded by the audio's length).
        func read(_ c: PulseCapture) throws -> [Int16] {
            var out: [Int16] = []
            while out.count < speech.count, let f = try c.nextFrame() { out += f.samples }
            c.close()
            return out
        }
        let echo = try read(raw)
        let residue = try read(cancelled)
        // Compare the second half, after the canceller has adapted.
        let half = speech.count / 2
        let echoLevel = AudioLevel(samples: Array(echo[half...])).rms
        let residueLevel = AudioLevel(samples: Array(residue[half...])).rms
        #expect(echoLevel > 0.01, "the speaker's sound reached the raw microphone (rms \(echoLevel))")
        let suppressionDB = 20 * log10(echoLevel / max(residueLevel, 1e-6))
        print("echo suppression: \(String(format: "%.1f", suppressionDB)) dB (echo rms \(echoLevel), residue rms \(residueLevel))")
        #expect(suppressionDB > 10, "echo cancelled by \(suppressionDB) dB")

        again.unload()
        #expect(try !again.isLoaded())
        #expect(try !PulseDevices.query(server: daemon.server).devices.contains { $0.name == again.source })
    }
}
