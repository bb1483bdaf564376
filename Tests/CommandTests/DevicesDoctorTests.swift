import Foundation
import Testing
import TestSupport

/// The `ringside` binary as a user runs it, against the private PulseAudio daemon.
@Suite(.serialized) struct DevicesDoctorTests {
    var ringside: String { TestPaths.builtProduct("ringside").path }

    @Test func devicesJSONListsTheNullSink() throws {
        let daemon = try PrivatePulseDaemon.start()
        let run = try runProgram(ringside, ["devices", "--json"], environment: ["PULSE_SERVER": daemon.server])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let devices = try #require(json["devices"] as? [[String: Any]])
        let sink = try #require(devices.first { $0["name"] as? String == daemon.sinkName })
        #expect(sink["kind"] as? String == "sink")
        #expect(sink["isDefault"] as? Bool == true)
        #expect(json["defaultSource"] as? String == daemon.monitorName)
    }

    @Test func devicesWithoutServerFailsWithAdvice() throws {
        let run = try runProgram(ringside, ["devices"], environment: ["PULSE_SERVER": "unix:/nonexistent/ringside-socket"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no PulseAudio server reachable"))
        #expect(run.stdout.isEmpty)
    }

    @Test func doctorPassesWithEverythingInstalled() throws {
        let daemon = try PrivatePulseDaemon.start()
        let run = try runProgram(ringside, ["doctor"], environment: ["PULSE_SERVER": daemon.server])
        #expect(run.status == 0, "doctor failed:\n\(run.stdout)\n\(run.stderr)")
        for item in ["ncursesw", "libpulse", "opus", "speexdsp", "sofia-sip", "pocketsphinx model", "whisper", "flite voices", "espeak-ng", "audio server"] {
            #expect(run.stdout.contains("ok       \(item)"), "\(item) not ok:\n\(run.stdout)")
        }
    }

    @Test func doctorNamesAMissingModel() throws {
        let empty = try TestPaths.temporaryDirectory("empty-model")
        let run = try runProgram(ringside, ["doctor", "--model-dir", empty.path, "--json"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("missing: pocketsphinx model"))
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let model = try #require(checks.first { $0["name"] as? String == "pocketsphinx model" })
        #expect(model["status"] as? String == "missing")
        #expect((model["detail"] as? String)?.contains(empty.path) == true)
    }

    @Test func doctorNamesADamagedWhisperModel() throws {
        let dir = try TestPaths.temporaryDirectory("bad-whisper")
        let bad = dir.appendingPathComponent("ggml-tiny.en.bin")
        try Data("ggml-but-not-really".utf8).write(to: bad)
        let run = try runProgram(ringside, ["doctor", "--json"], environment: ["RINGSIDE_WHISPER_MODEL": bad.path])
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        let whisper = try #require(checks.first { $0["name"] as? String == "whisper" })
        #expect(whisper["status"] as? String == "warning")
        #expect((whisper["detail"] as? String)?.contains(bad.path) == true)
        #expect((whisper["fix"] as? String)?.contains("make setup") == true)
    }

    /// Whisper named on the command line but unusable: one line naming the file and the fix, exit 2;
    /// not named: a warning line and pocketsphinx's finals.
    @Test func transcribeWithoutWhisperModel() throws {
        let wav = try TestPaths.temporaryDirectory("no-whisper").appendingPathComponent("hello.wav")
        let say = try runProgram(ringside, ["say", "Hello, I would like to book an appointment.", "--output", wav.path])
        try #require(say.status == 0, "\(say.stderr)")
        let missing = "/nonexistent/ggml-tiny.en.bin"
        let forced = try runProgram(ringside, ["transcribe", "--engine", "whisper", wav.path], environment: ["RINGSIDE_WHISPER_MODEL": missing])
        #expect(forced.status == 2)
        let lines = forced.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(missing) && lines[0].contains("make setup"), "\(forced.stderr)")
        let auto = try runProgram(ringside, ["transcribe", wav.path], environment: ["RINGSIDE_WHISPER_MODEL": missing])
        #expect(auto.status == 0, "\(auto.stderr)")
        #expect(auto.stderr.contains("whisper unavailable, using pocketsphinx"))
        // pocketsphinx alone wrote the final (its generic model may mishear a flite voice; it must hear something).
        #expect(auto.stdout.contains(" s] ") && !auto.stdout.contains("(nothing recognised)") && !auto.stdout.contains("[whisper"), "\(auto.stdout)")
        let whisper = try runProgram(ringside, ["transcribe", wav.path])
        #expect(whisper.status == 0)
        #expect(whisper.stdout.contains("[whisper]") && whisper.stdout.contains("book an appointment"), "\(whisper.stdout)")
    }

    /// What `make setup` installed is what the pins say: the converted model's hash, the libraries resolvable.
    @Test func whisperInstallMatchesItsPins() throws {
        let root = TestPaths.repository
        let script = try String(contentsOf: root.appendingPathComponent("Tests/Support/install-whisper.sh"), encoding: .utf8)
        let prefix = ProcessInfo.processInfo.environment["RINGSIDE_WHISPER_PREFIX"] ?? root.appendingPathComponent(".build/whisper").path
        // The converted f16 model and the Q8_0 one made from it (the one Ringside loads).
        for (key, file) in [("GGML_MODEL_SHA256", "ggml-tiny.en.bin"), ("GGML_Q8_MODEL_SHA256", "ggml-tiny.en-q8_0.bin")] {
            let pin = try #require(script.split(separator: "\n").first { $0.hasPrefix(key + "=") }?.split(separator: "=").last)
            let model = "\(prefix)/share/ringside/\(file)"
            let hash = try runProgram("/usr/bin/sha256sum", [model])
            #expect(hash.stdout.hasPrefix(String(pin)), "\(model): \(hash.stdout) vs pin \(pin)")
        }
        let ldd = try runProgram("/usr/bin/ldd", ["\(prefix)/lib/libwhisper.so.1"])
        #expect(ldd.status == 0 && !ldd.stdout.contains("not found"), "\(ldd.stdout)")
        // A second run finds its stamp and changes nothing.
        let again = try runProgram("/bin/bash", [root.appendingPathComponent("Tests/Support/install-whisper.sh").path, prefix])
        #expect(again.status == 0 && again.stdout.contains("up to date"), "\(again.stdout)\(again.stderr)")
    }

    @Test func versionAndHelp() throws {
        let version = try runProgram(ringside, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try runProgram(ringside, ["--help"])
        #expect(help.stdout.contains("devices"))
        #expect(help.stdout.contains("doctor"))
    }
}
