import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// `--account` against kamailio on 127.0.0.1, a real registrar that asks for digest credentials: the
/// real `ringside serve` registers, refreshes and unregisters; `ringside call` calls as the account.
@Suite(.serialized) struct ServeAccountTests {
    static let password = "kam-Pw-7731"

    /// Registered serve answers a call kamailio routes to its address of record; SIGTERM unregisters it.
    @Test func serveRegistersTakesARoutedCallAndUnregistersOnSIGTERM() async throws {
        guard let scene = try await Scene(expires: nil, passwordInFile: true) else { return }
        defer { scene.proxy.stop() }
        let serve = try ServeProcess(["--config", scene.config, "--account", "clinic"])
        defer { serve.stop() }
        guard await Self.until(15, { serve.output.contains("registered \(scene.aor) at sip:127.0.0.1:\(scene.proxy.port)") }) else {
            Issue.record("serve did not register: \(serve.output) \(serve.errorOutput.suffix(1500)); kamailio's log:\n\(scene.proxy.log.suffix(1500))")
            await scene.caller.shutdown()
            return
        }
        // kamailio relays to the registered contact: serve (sofia) answers OPTIONS, and a call.
        #expect(try await scene.caller.agent.options(uri: scene.aor, timeout: 2).status == 200)
        let call = try scene.caller.dial(scene.aor)
        let connected = await scene.callerLog.waitFor(15) { $0.connectedCall != nil || $0.endedReason != nil }
        #expect(connected?.connectedCall != nil, "a call to \(scene.aor): \(String(describing: connected)); serve: \(serve.errorOutput.suffix(1500))")
        call.hangUp()
        _ = await scene.callerLog.waitFor(10) { $0.endedReason != nil }

        let status = try await serve.terminate(SIGTERM, within: 10)
        #expect(status == 0, "serve ended by SIGTERM exits 0 after unregistering (nil: still running): \(String(describing: status))")
        #expect(serve.output.contains("unregistered \(scene.aor) (200"), "\(serve.output) \(serve.errorOutput.suffix(1500))")
        // The registration (an hour long) is gone from kamailio's location table at once.
        #expect(try await scene.caller.agent.options(uri: scene.aor, timeout: 2).status == 404)
        #expect(!(serve.output + serve.errorOutput).contains(Self.password), "the password never reaches a log")
        await scene.caller.shutdown()
    }

    /// nua refreshes a short registration by itself before it expires; kamailio keeps routing to serve.
    @Test func serveRefreshesAShortRegistration() async throws {
        guard let scene = try await Scene(expires: 3, passwordInFile: false) else { return }
        defer { scene.proxy.stop() }
        let serve = try ServeProcess(["--config", scene.config, "--account", "clinic"], environment: ["CLINIC_SIP_PASSWORD": Self.password])
        defer { serve.stop() }
        let refreshed = await Self.until(20) { serve.output.components(separatedBy: "registration of \(scene.aor) refreshed (200").count > 3 }
        #expect(refreshed, "three refreshes of a 3 s registration: \(serve.output) \(serve.errorOutput.suffix(1500))")
        #expect(try await scene.caller.agent.options(uri: scene.aor, timeout: 2).status == 200, "still routed to serve after the refreshes")
        #expect(!(serve.output + serve.errorOutput).contains(Self.password))
        await scene.caller.shutdown()
    }

    /// `ringside call --account`: From is the account's address, the INVITE goes through its registrar
    /// (kamailio, which challenges it with 407) to the callee registered there.
    @Test func callCommandCallsAsTheAccountThroughItsRegistrar() async throws {
        guard let scene = try await Scene(expires: nil, passwordInFile: true) else { return }
        defer { scene.proxy.stop() }
        let callee = try AnsweringCallee(supported: [.pcmu], credentials: SIPCredentials(username: "desk", password: Self.password))
        try callee.agent.register(aor: "sip:desk@127.0.0.1:\(scene.proxy.port)", contactUser: "desk")
        let registration = await callee.log.waitFor(10) { if case .registration = $0 { return true } else { return false } }
        guard case .registration(true, _, _)? = registration else {
            Issue.record("the desk did not register: \(String(describing: registration))")
            await callee.agent.shutdown()
            await scene.caller.shutdown()
            return
        }
        let tone = try TestPaths.temporaryDirectory("ringside-call-account").appendingPathComponent("tone.wav")
        try WAVFile.write(PCMAudio(sampleRate: 16000, channels: 1, samples: Signals.sine(frequency: 700, sampleRate: 16000, seconds: 20, amplitude: 0.5)),
                          to: tone.path)
        let call = try RingsideProcess(["call", "sip:desk@127.0.0.1:\(scene.proxy.port)", "--config", scene.config, "--account", "clinic",
                                        "--codecs", "pcmu", "--input", tone.path, "--no-tui",
                                        "--output", tone.deletingLastPathComponent().appendingPathComponent("heard.wav").path])
        defer { call.stop() }
        let incoming = await callee.log.waitFor(20) { $0.isIncoming }
        #expect(incoming?.call?.remoteURI.hasPrefix(scene.aor) == true,
                "the desk saw the call from \(String(describing: incoming?.call?.remoteURI)); call: \(call.output) \(call.errorOutput.suffix(1500)); kamailio:\n\(scene.proxy.log.suffix(1500))")
        call.stop()
        callee.allMedia.forEach { $0.stop() }
        await callee.agent.shutdown()
        await scene.caller.shutdown()
    }

    /// The account's problems stop serve before it listens, with the file and line and no password.
    @Test func serveRefusesAnAccountItCannotUse() throws {
        let ringside = TestPaths.builtProduct("ringside").path
        let dir = try TestPaths.temporaryDirectory("ringside-config-refused")
        let password = dir.appendingPathComponent("password").path
        try "\(Self.password)\n".write(toFile: password, atomically: true, encoding: .utf8)
        chmod(password, 0o644)
        let config = dir.appendingPathComponent("config.yaml").path
        try "accounts:\n  clinic:\n    registrar: sip:127.0.0.1:5999\n    user: clinic\n    password_file: password\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let port = String(try ServeProcess.freePort())
        let open = try runProgram(ringside, ["serve", "--headless", "--no-record", "--port", port, "--config", config, "--account", "clinic"])
        #expect(open.status == 2)
        #expect(open.stderr.contains("\(config):2:3: account clinic: the password file \(password) can be read by others")
                && open.stderr.contains("chmod 600"), "\(open.stderr)")
        #expect(!(open.stdout + open.stderr).contains(Self.password))

        try "accounts:\n  clinic:\n    registrar: 127.0.0.1\n    user: clinic\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try runProgram(ringside, ["serve", "--headless", "--no-record", "--port", port, "--config", config, "--account", "clinic"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("\(config):3:16: accounts.clinic.registrar: '127.0.0.1' is not a SIP URI"), "\(bad.stderr)")
        try "accounts:\n  clinic:\n    registrar: sip:127.0.0.1\n    user: clinic\n".write(toFile: config, atomically: true, encoding: .utf8)
        let missing = try runProgram(ringside, ["serve", "--headless", "--no-record", "--port", port, "--config", config, "--account", "office"])
        #expect(missing.status == 2 && missing.stderr.contains("\(config): accounts: no account named 'office' (accounts here: clinic)"), "\(missing.stderr)")
    }

    /// Polls `condition` every 50 ms for at most `seconds`.
    static func until(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<Int(seconds * 20) {
            if condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return condition()
    }

    /// kamailio asking for digest credentials, a configuration file with the account `clinic` there,
    /// and a caller (`carol`, same password) that can reach kamailio.
    final class Scene: @unchecked Sendable {
        let proxy: KamailioProxy
        let config: String
        let aor: String
        let caller: SIPPhone
        let callerLog: PhoneEventLog

        /// Nil (with the reason recorded) when kamailio is missing or never answers.
        init?(expires: Int?, passwordInFile: Bool) async throws {
            guard let kamailio = TestPaths.executable("kamailio") else {
                Issue.record("kamailio is not installed (Debian package kamailio); CI installs it")
                return nil
            }
            proxy = try KamailioProxy(executable: kamailio, digestPassword: ServeAccountTests.password)
            aor = "sip:clinic@127.0.0.1:\(proxy.port)"
            let dir = try TestPaths.temporaryDirectory("ringside-config")
            var account = "    registrar: sip:127.0.0.1:\(proxy.port)\n    user: clinic\n"
            if passwordInFile {
                let file = dir.appendingPathComponent("clinic-password")
                try "\(ServeAccountTests.password)\n".write(to: file, atomically: true, encoding: .utf8)
                chmod(file.path, 0o600)
                account += "    password_file: clinic-password\n"
            } else {
                account += "    password_env: CLINIC_SIP_PASSWORD\n"
            }
            if let expires { account += "    expires: \(expires)\n" }
            config = dir.appendingPathComponent("config.yaml").path
            try "accounts:\n  clinic:\n\(account)".write(toFile: config, atomically: true, encoding: .utf8)
            caller = SIPPhone(configuration: SIPPhoneConfiguration(
                sip: SIPConfiguration(port: 0, credentials: SIPCredentials(username: "carol", password: ServeAccountTests.password),
                                      identity: "sip:carol@127.0.0.1:\(proxy.port)"),
                codecs: [.pcmu]))
            callerLog = PhoneEventLog(caller)
            try caller.start()
            guard await proxy.waitUntilListening(caller.agent) else {
                Issue.record("kamailio never answered; its log:\n\(proxy.log)")
                proxy.stop()
                await caller.shutdown()
                return nil
            }
        }
    }
}
