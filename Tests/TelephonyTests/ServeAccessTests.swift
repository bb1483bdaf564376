import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Who may call `ringside serve`, over which transport, and what happens to a call that goes
/// silent: real sipp and Ringside callers on 127.0.0.1, against the user agent and the real command.
@Suite(.serialized) struct ServeAccessTests {
    static let password = "s3cret-Pw-42"

    @Test func sourceOutsideTheAllowedNetworksGets403() async throws {
        guard let sipp = InteropTests.sipp else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let callee = try AnsweringCallee(supported: [.pcmu], inbound: InboundRestrictions(allowedNetworks: [try IPNetwork(parsing: "::1/128")]))
        let scenario = try Self.write(SippScenario.forbidden, "forbidden.xml")
        let run = try runProgram(sipp, try InteropTests.sippArguments(scenario: ["-sf", scenario], uaPort: callee.agent.localPort))
        #expect(run.status == 0, "sipp exited \(run.status): \(run.stderr.suffix(800))")
        let refused = await callee.log.waitFor { if case .refused = $0 { return true } else { return false } }
        guard case let .refused(refusal) = refused else {
            Issue.record("no refusal reported: \(callee.log.all)")
            await callee.agent.shutdown()
            return
        }
        #expect(refusal.source == "127.0.0.1" && refusal.status == 403 && refusal.reason == "source not in the allowed networks")
        #expect(callee.agent.refusals.refused == 1)
        #expect(!callee.log.all.contains { $0.isIncoming }, "a refused INVITE never rings")
        await callee.agent.shutdown()
    }

    @Test func ringsideCallerAnswersTheDigestChallenge() async throws {
        let inbound = InboundRestrictions(allowedNetworks: try IPNetwork.list("127.0.0.0/8,::1/128"),
                                          authenticator: DigestAuthenticator(username: "alice", password: Self.password))
        let callee = try AnsweringCallee(supported: [.pcmu], inbound: inbound)
        let target = "sip:agent@127.0.0.1:\(callee.agent.localPort)"

        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0, credentials: SIPCredentials(username: "alice", password: Self.password)),
                                                                  codecs: [.pcmu]))
        let log = PhoneEventLog(phone)
        try phone.start()
        let call = try phone.dial(target)
        #expect(await log.waitFor { $0.connectedCall != nil || $0.endedReason != nil }?.connectedCall != nil, "\(log.all)")
        let incoming = await callee.log.waitFor { $0.isIncoming }
        #expect(incoming?.call?.authenticatedUser == "alice")
        #expect(callee.agent.refusals.challenged >= 1)
        call.hangUp()
        await phone.shutdown()

        let intruder = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0, credentials: SIPCredentials(username: "alice", password: "guess")),
                                                                     codecs: [.pcmu]))
        let intruderLog = PhoneEventLog(intruder)
        try intruder.start()
        _ = try intruder.dial(target)
        #expect(await intruderLog.waitFor { $0.endedReason != nil }?.endedReason == "403 Forbidden", "\(intruderLog.all)")
        #expect(callee.agent.refusals.refused == 1)
        await intruder.shutdown()
        await callee.agent.shutdown()
    }

    @Test func ringsideCallsOverTCP() async throws {
        let callee = try AnsweringCallee(supported: [.pcmu], transport: .tcp)
        #expect(PortProbe.isFree(port: callee.agent.localPort, transport: .udp), "a TCP-only agent binds no UDP port")
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu]))
        let log = PhoneEventLog(phone)
        try phone.start()
        let call = try phone.dial("sip:agent@127.0.0.1:\(callee.agent.localPort);transport=tcp")
        #expect(await log.waitFor { $0.connectedCall != nil || $0.endedReason != nil }?.connectedCall != nil, "\(log.all)")
        #expect(await callee.log.waitFor { $0.isIncoming }?.call?.transport == "TCP")
        call.hangUp()
        #expect(await callee.log.waitFor { $0.endReason != nil }?.endReason == "remote hung up")
        await phone.shutdown()
        await callee.agent.shutdown()
    }

    /// The real command: digest credentials from sipp (right, then wrong), and a caller that sends no
    /// RTP and never hangs up, which serve ends with BYE after --rtp-timeout.
    @Test func serveChallengesSippAndEndsASilentCall() async throws {
        guard let sipp = InteropTests.sipp else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let serve = try ServeProcess(["--allow", "127.0.0.0/8,::1/128", "--auth-user", "alice", "--rtp-timeout", "2"],
                                     environment: ["RINGSIDE_SERVE_PASSWORD": Self.password])
        defer { serve.stop() }
        try await serve.waitUntilListening(.udp)
        // Right credentials; then no media at all, until serve hangs up (sipp answers the BYE).
        let silent = try Self.write(SippScenario.authenticated(expecting: 200), "auth-silent.xml")
        let right = try runProgram(sipp, try InteropTests.sippArguments(scenario: ["-sf", silent, "-au", "alice", "-ap", Self.password], uaPort: serve.port))
        #expect(right.status == 0, "sipp with the right password exited \(right.status): \(right.stderr.suffix(800))")
        let refused = try Self.write(SippScenario.authenticated(expecting: 403), "auth-refused.xml")
        let wrong = try runProgram(sipp, try InteropTests.sippArguments(scenario: ["-sf", refused, "-au", "alice", "-ap", "guess"], uaPort: serve.port))
        #expect(wrong.status == 0, "sipp with a wrong password exited \(wrong.status): \(wrong.stderr.suffix(800))")
        serve.stop()
        let log = serve.errorOutput
        #expect(log.contains("ended: no RTP from the caller for 2 s"), "serve's log: \(log.suffix(1500))")
        #expect(log.contains("refused INVITE from 127.0.0.1 with 403: wrong credentials for \"alice\""), "serve's log: \(log.suffix(1500))")
        #expect(!log.contains(Self.password) && !serve.output.contains(Self.password), "the password never reaches a log")
    }

    @Test func sippCallsServeOverTCP() async throws {
        guard let sipp = InteropTests.sipp else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let serve = try ServeProcess(["--transport", "tcp"])
        defer { serve.stop() }
        try await serve.waitUntilListening(.tcp)
        #expect(PortProbe.isFree(port: serve.port, transport: .udp), "--transport tcp binds no UDP port")
        let run = try runProgram(sipp, try InteropTests.sippArguments(scenario: ["-sn", "uac", "-t", "t1"], uaPort: serve.port))
        #expect(run.status == 0, "sipp over TCP exited \(run.status): \(run.stderr.suffix(800)) \(serve.errorOutput.suffix(800))")
    }

    @Test func passwordFileOthersCanReadIsRefused() throws {
        let ringside = TestPaths.builtProduct("ringside").path
        let file = try TestPaths.temporaryDirectory("ringside-serve-password").appendingPathComponent("password").path
        try "\(Self.password)\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        let run = try runProgram(ringside, ["serve", "--headless", "--no-record", "--port", String(try ServeProcess.freePort()),
                                            "--auth-user", "alice", "--auth-password-file", file])
        #expect(run.status == 2)
        #expect(run.stderr.contains("can be read by others") && run.stderr.contains("chmod 600"), "\(run.stderr)")
        let missing = try runProgram(ringside, ["serve", "--headless", "--no-record", "--auth-user", "alice"], environment: ["RINGSIDE_SERVE_PASSWORD": ""])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("RINGSIDE_SERVE_PASSWORD"), "\(missing.stderr)")
    }

    static func write(_ text: String, _ name: String) throws -> String {
        let url = try TestPaths.temporaryDirectory("ringside-sipp").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// A `ringside` command as a child process on 127.0.0.1, its output captured in files.
final class RingsideProcess: @unchecked Sendable {
    private let child: ChildProcess
    private let outURL: URL, errURL: URL
    private let stopped = LockedValue(false)

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let dir = try TestPaths.temporaryDirectory("ringside-command")
        outURL = dir.appendingPathComponent("stdout.log")
        errURL = dir.appendingPathComponent("stderr.log")
        let out = open(outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600), err = open(errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(out); close(err) }
        child = try ChildProcess.spawn(TestPaths.builtProduct("ringside").path, arguments, environment: environment, stdout: out, stderr: err)
    }

    var output: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var errorOutput: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// How it exited (128+signal when killed), once it has.
    let exitStatus = LockedValue<Int32?>(nil)

    /// True once the command has exited (reaping it).
    var hasExited: Bool {
        if stopped.value { return true }
        var raw: Int32 = 0
        guard waitpid(child.pid, &raw, WNOHANG) == child.pid else { return false }
        exitStatus.withLock { $0 = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F) }
        stopped.withLock { $0 = true }
        return true
    }

    /// Waits (bounded) for the command to exit by itself; true if it did.
    func waitForExit(seconds: Double) async throws -> Bool {
        for _ in 0..<Int(seconds * 20) where !hasExited { try await Task.sleep(nanoseconds: 50_000_000) }
        return hasExited
    }

    func signal(_ signal: Int32) { child.signal(signal) }

    /// SIGTERM, then SIGKILL if it has not gone within 5 s.
    func stop() {
        guard !hasExited, stopped.withLock({ s in defer { s = true }; return !s }) else { return }
        child.signal(SIGTERM)
        for _ in 0..<100 {
            if child.hasExited() { return }
            usleep(50_000)
        }
        child.signal(SIGKILL)
        child.wait()
    }
}

/// `ringside serve --headless` on 127.0.0.1 and a free port.
final class ServeProcess: @unchecked Sendable {
    let port: UInt16
    private let process: RingsideProcess

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        port = try Self.freePort()
        let agent = TestPaths.repository.appendingPathComponent("sample-calls/clinic").path
        process = try RingsideProcess(["serve", "--headless", "--no-record", "--address", "127.0.0.1", "--port", String(port), "--agent", agent] + arguments,
                                      environment: environment)
    }

    /// A port free for UDP and TCP on 127.0.0.1.
    static func freePort() throws -> UInt16 {
        for _ in 0..<100 {
            let p = try UDPSocket(address: "127.0.0.1", port: 0).local.port
            if PortProbe.isFree(port: p, transport: .tcp) { return p }
        }
        throw SocketError.badAddress("no free port on 127.0.0.1")
    }

    /// Waits (at most 15 s) until serve has bound its SIP port.
    func waitUntilListening(_ transport: PortProbe.Transport) async throws {
        for _ in 0..<300 where PortProbe.isFree(port: port, transport: transport) && !process.hasExited {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        try #require(!PortProbe.isFree(port: port, transport: transport), "serve did not listen: \(errorOutput)")
    }

    var output: String { process.output }
    var errorOutput: String { process.errorOutput }
    func stop() { process.stop() }

    /// Sends `signal` and waits (at most `seconds`) for serve to exit by itself: its exit status, nil if it did not.
    func terminate(_ signal: Int32 = SIGTERM, within seconds: Double) async throws -> Int32? {
        process.signal(signal)
        guard try await process.waitForExit(seconds: seconds) else { return nil }
        return process.exitStatus.value
    }
}
