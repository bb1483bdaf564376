import Foundation
import Testing
import TestSupport
@testable import Telephony

/// `ringside test --target sip:URI` against `ringside serve` on 127.0.0.1, both as built programs:
/// the clinic's nine smoke scenarios are real calls, all graded pass, with a JSON report. (The whole booking over SIP,
/// checked in serve's database, is `SIPScenarioTests`; graded from agent words heard through local
/// speech recognition, it is too load-sensitive to run twice in CI.)
/// Runs in its own test process, as `SIPScenarioTests` do.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["RINGSIDE_E2E"] == "1",
                             "run separately: RINGSIDE_E2E=1 swift test --filter SIPTestCommandTests (make test does)"))
struct SIPTestCommandTests {
    @Test func testCommandCallsServe() async throws {
        let ringside = TestPaths.builtProduct("ringside").path
        guard FileManager.default.isExecutableFile(atPath: ringside) else {
            Issue.record("ringside is not built beside the tests (run swift build first)")
            return
        }
        let dir = try TestPaths.temporaryDirectory("ringside-sip-test-command")
        let database = dir.appendingPathComponent("clinic.sqlite").path
        let port = try UDPSocket(address: "127.0.0.1", port: 0).local.port
        let clinic = try SIPClinic.make().path
        let log = open(dir.appendingPathComponent("serve.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let serve = try ChildProcess.spawn(ringside, ["serve", "--agent", clinic, "--port", String(port), "--headless", "--no-record",
                                                     "--approve", "none", "--database", database], stdout: log, stderr: log)
        close(log)
        defer {
            serve.signal(SIGTERM)
            var gone = false
            for _ in 0..<100 where !gone {
                gone = serve.hasExited()
                if !gone { usleep(20_000) }
            }
            if !gone { serve.signal(SIGKILL); serve.wait() }
        }
        // serve is up once it answers OPTIONS (bounded).
        let probe = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        try probe.start()
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await probe.options(uri: "sip:agent@127.0.0.1:\(port)", timeout: 0.5))?.status == 200
            if !up { try await Task.sleep(nanoseconds: 100_000_000) }
        }
        await probe.shutdown()
        let serveLog = { (try? String(contentsOf: dir.appendingPathComponent("serve.log"), encoding: .utf8)) ?? "" }
        try #require(up, "serve never answered: \(serveLog())")

        let report = dir.appendingPathComponent("report.json").path
        // The clinic's smoke suite, graded on what the agent said as Whisper hears it at the caller's end.
        let run = try runProgram(ringside, ["test", SIPClinic.source.path, "--tags", "smoke",
                                            "--target", "sip:agent@127.0.0.1:\(port)", "--database", database, "--json", report])
        let passes = run.stdout.split(separator: "\n").filter { $0.hasPrefix("[") && $0.contains("] PASS clinic-") }.count
        #expect(run.status == 0 && passes == 9, "\(passes)/9 passed; ringside test said:\n\(run.stdout)\n\(run.stderr)\nserve said:\n\(serveLog())")
        #expect(run.stdout.contains("PASS clinic-hours"), "\(run.stdout)")
        #expect(run.stdout.contains("not observable over SIP: tool calls"), "\(run.stdout)")
        let json = try String(contentsOfFile: report, encoding: .utf8)
        #expect(json.contains("\"target\" : \"sip\""), "report names its target")
    }
}
