import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Ringside through kamailio, a real SIP proxy and registrar, on 127.0.0.1: one Ringside phone
/// REGISTERs, another calls its address of record at the proxy, kamailio finds the contact in its
/// location table and relays the INVITE (record-routed), and audio crosses both ways.
@Suite(.serialized) struct KamailioInteropTests {
    @Test(arguments: [MediaCodec.opus, .pcmu])
    func callRoutedByRegistration(codec: MediaCodec) async throws {
        guard let kamailio = TestPaths.executable("kamailio") else {
            Issue.record("kamailio is not installed (Debian package kamailio); CI installs it")
            return
        }
        let proxy = try KamailioProxy(executable: kamailio)
        defer { proxy.stop() }

        let (alice, aliceLog) = try SIPPhoneTests.phone(autoAnswer: true, codecs: [codec])
        let (bob, bobLog) = try SIPPhoneTests.phone(autoAnswer: false, codecs: [codec])
        #expect(await proxy.waitUntilListening(bob.agent), "kamailio never answered; its log:\n\(proxy.log)")

        try alice.register(aor: "sip:alice@127.0.0.1:\(proxy.port)", contactUser: "alice")
        let registration = await aliceLog.waitFor(10) { if case .registration = $0 { return true } else { return false } }
        guard case let .registration(registered, status, phrase)? = registration, registered else {
            Issue.record("alice did not register: \(String(describing: registration)); kamailio's log:\n\(proxy.log)")
            await alice.shutdown()
            await bob.shutdown()
            return
        }
        #expect(status == 200, "\(status) \(phrase)")

        let outgoing = try bob.dial("sip:alice@127.0.0.1:\(proxy.port)")
        let connected = await bobLog.waitFor(10) { $0.connectedCall != nil || $0.endedReason != nil }
        #expect(connected?.connectedCall != nil, "bob's call: \(String(describing: connected)); kamailio's log:\n\(proxy.log)")
        let inbound = try #require(await aliceLog.waitFor(10) { $0.connectedCall != nil }?.connectedCall)
        #expect(inbound.negotiated?.codec == codec)

        // Audio both ways: a tone each direction, each heard by the other side.
        let toAlice = playTone(into: outgoing.media.sink, frequency: 1000, seconds: 1.0)
        let aliceHeard = try toneFrames(from: inbound.media.source, count: 50, frequency: 1000)
        let toBob = playTone(into: inbound.media.sink, frequency: 600, seconds: 1.0)
        let bobHeard = try toneFrames(from: outgoing.media.source, count: 50, frequency: 600)
        #expect(toAlice.wait(timeout: .now() + 5) == .success && toBob.wait(timeout: .now() + 5) == .success)
        #expect(aliceHeard.filter { $0 }.count >= 25, "alice heard the tone in \(aliceHeard.filter { $0 }.count) of 50 frames")
        #expect(bobHeard.filter { $0 }.count >= 25, "bob heard the tone in \(bobHeard.filter { $0 }.count) of 50 frames")

        // BYE travels the recorded route back through the proxy.
        outgoing.hangUp()
        #expect(await aliceLog.waitFor(10) { $0.endedReason != nil }?.endedReason == "remote hung up")
        await alice.shutdown()
        await bob.shutdown()
    }
}

/// kamailio in the foreground on 127.0.0.1 with a minimal registrar-and-proxy config written for the test.
/// With `digestPassword`, REGISTER (401) and new INVITEs (407) must carry digest credentials for that
/// password whose user is the To (REGISTER) or From (INVITE) user.
final class KamailioProxy: @unchecked Sendable {
    let port: UInt16
    let directory: URL
    private let process: ChildProcess
    private let exited = LockedValue(false)

    init(executable: String, digestPassword: String? = nil) throws {
        directory = try TestPaths.temporaryDirectory("ringside-kamailio")
        port = try UDPSocket(address: "127.0.0.1", port: 0).local.port
        try Self.config(port: port, digestPassword: digestPassword).write(to: directory.appendingPathComponent("kamailio.cfg"), atomically: true, encoding: .utf8)
        let log = open(directory.appendingPathComponent("kamailio.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(log) }
        process = try ChildProcess.spawn(executable, ["-DD", "-E", "-m", "16", "-M", "4", "-P", directory.appendingPathComponent("kamailio.pid").path,
                                                      "-Y", directory.path, "-f", directory.appendingPathComponent("kamailio.cfg").path],
                                         stdout: log, stderr: log)
    }

    /// kamailio running a config file as it is (the shipped farm config), listening on 127.0.0.1:`port`, with
    /// preprocessor defines (`-A NAME=VALUE`).
    init(executable: String, configFile: URL, defines: [String]) throws {
        directory = try TestPaths.temporaryDirectory("ringside-kamailio")
        port = try UDPSocket(address: "127.0.0.1", port: 0).local.port
        let log = open(directory.appendingPathComponent("kamailio.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(log) }
        process = try ChildProcess.spawn(executable, ["-DD", "-E", "-m", "32", "-M", "8", "-P", directory.appendingPathComponent("kamailio.pid").path,
                                                      "-Y", directory.path, "-f", configFile.path, "-l", "udp:127.0.0.1:\(port)"]
                                                     + defines.flatMap { ["-A", $0] },
                                         stdout: log, stderr: log)
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("kamailio.log"), encoding: .utf8)) ?? "" }

    /// Waits (bounded) until kamailio itself answers OPTIONS (any status, from a `Server: kamailio`;
    /// sofia answers 503 on kamailio's behalf while nothing listens yet).
    func waitUntilListening(_ agent: SIPUserAgent) async -> Bool {
        for _ in 0..<50 {
            if let r = try? await agent.options(uri: "sip:127.0.0.1:\(port)", timeout: 0.5), r.server?.lowercased().contains("kamailio") == true {
                return true
            }
            try? await Task.sleep(nanoseconds: 100_000_000)
            if exited.withLock({ done in done = done || process.hasExited(); return done }) { return false }
        }
        return false
    }

    /// Stops kamailio and its worker processes: the workers are found by parent pid first (once the
    /// main process is gone they belong to init and ignore SIGTERM), then each gets SIGKILL; bounded.
    func stop() {
        let workers = Self.children(of: process.pid)
        if !exited.value {
            process.signal(SIGTERM)
            var gone = false
            for _ in 0..<150 where !gone {
                gone = process.hasExited()
                if !gone { usleep(20_000) }
            }
            if !gone { process.signal(SIGKILL); process.wait() }
            exited.withLock { $0 = true }
        }
        for pid in workers where kill(pid, 0) == 0 && Self.isKamailio(pid, directory: directory) { kill(pid, SIGKILL) }
    }

    /// Processes whose parent is `pid` (from /proc).
    private static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == pid
        }
    }

    /// Whether `pid` is still one of this proxy's processes (its command line names our folder), so a reused pid is never killed.
    private static func isKamailio(_ pid: pid_t, directory: URL) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data, as: UTF8.self).contains(directory.path)
    }

    /// Registrar (usrloc in memory) and stateful proxy: REGISTER is saved, other requests go to the
    /// registered contact; in-dialog requests follow the record-route. No DNS, no TCP. Registrations
    /// may be as short as 1 s (so tests can watch refreshes).
    static func config(port: UInt16, digestPassword: String? = nil) -> String {
        let registerAuth = digestPassword.map { """
            if (!pv_www_authenticate("$td", "\($0)", "0")) { www_challenge("$td", "0"); exit; }
                    if ($au != $tU) { sl_send_reply("403", "Forbidden"); exit; }
            """ } ?? ""
        let inviteAuth = digestPassword.map { """
            if (!pv_proxy_authenticate("$fd", "\($0)", "0")) { proxy_challenge("$fd", "0"); exit; }
                    if ($au != $fU) { sl_send_reply("403", "Forbidden"); exit; }
                    consume_credentials();
            """ } ?? ""
        return """
        #!KAMAILIO
        debug=2
        log_stderror=yes
        children=1
        disable_tcp=yes
        auto_aliases=no
        dns=no
        rev_dns=no
        listen=udp:127.0.0.1:\(port)
        alias="127.0.0.1:\(port)"
        loadmodule "tm.so"
        loadmodule "sl.so"
        loadmodule "rr.so"
        loadmodule "pv.so"
        loadmodule "maxfwd.so"
        loadmodule "siputils.so"
        loadmodule "textops.so"
        loadmodule "usrloc.so"
        loadmodule "registrar.so"
        loadmodule "auth.so"
        modparam("usrloc", "db_mode", 0)
        modparam("registrar", "min_expires", 1)
        request_route {
            if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
            if (has_totag()) {
                if (loose_route()) { t_relay(); exit; }
                if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
                sl_send_reply("404", "Not here");
                exit;
            }
            if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
            if (is_method("REGISTER")) {
                \(registerAuth)
                if (!save("location")) { sl_reply_error(); }
                exit;
            }
            if (is_method("INVITE")) {
                \(inviteAuth)
                record_route();
            }
            if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
            t_relay();
        }

        """
    }
}
