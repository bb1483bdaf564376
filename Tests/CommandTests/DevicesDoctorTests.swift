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
        for item in ["ncursesw", "libpulse", "opus", "speexdsp", "sofia-sip", "pocketsphinx model", "flite voices", "espeak-ng", "audio server"] {
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

    @Test func versionAndHelp() throws {
        let version = try runProgram(ringside, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try runProgram(ringside, ["--help"])
        #expect(help.stdout.contains("devices"))
        #expect(help.stdout.contains("doctor"))
    }
}
