import Foundation
import Testing
import TestSupport
@testable import Telephony

/// REGISTER with digest authentication against sipp playing a registrar that challenges once.
@Suite struct RegistrationTests {
    @Test func registersThroughDigestChallenge() async throws {
        guard let sipp = TestPaths.executable("sipp") else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let dir = try TestPaths.temporaryDirectory("ringside-registrar")
        let scenario = dir.appendingPathComponent("registrar.xml")
        try Self.registrar.write(to: scenario, atomically: true, encoding: .utf8)
        let port = try UDPSocket(address: "127.0.0.1", port: 0).local.port
        let child = try ChildProcess.spawn(sipp, ["-sf", scenario.path, "-i", "127.0.0.1", "-p", String(port), "-m", "1",
                                                  "-timeout", "20s", "-timeout_error", "-nostdin"])
        let agent = SIPUserAgent(configuration: SIPConfiguration(port: 0, credentials: SIPCredentials(username: "alice", password: "secret")))
        let log = SIPEventLog(agent)
        try agent.start()
        // Wait (bounded) until sipp has bound its port, or the REGISTER meets ICMP "port unreachable".
        for _ in 0..<100 where PortProbe.isFree(port: port, transport: .udp) { try await Task.sleep(nanoseconds: 50_000_000) }
        try agent.register(aor: "sip:alice@127.0.0.1:\(port)", contactUser: "alice")
        let event = await log.waitFor(10) { if case .registration = $0 { return true } else { return false } }
        guard case let .registration(registered, status, _) = event else {
            Issue.record("no registration result: \(log.all)")
            child.signal(SIGKILL)
            child.wait()
            return
        }
        #expect(registered)
        #expect(status == 200)
        var exited = false
        for _ in 0..<200 where !exited {
            exited = child.hasExited()
            if !exited { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        if !exited { child.signal(SIGKILL); child.wait() }
        #expect(exited, "sipp registrar did not finish")
        await agent.shutdown()
    }

    static let registrar = """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="registrar that challenges once">
          <recv request="REGISTER"/>
          <send>
            <![CDATA[
              SIP/2.0 401 Unauthorized
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]SIPpTag01[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              WWW-Authenticate: Digest realm="ringside.test", nonce="8d7f3c2a1b0e", algorithm=MD5
              Content-Length: 0

            ]]>
          </send>
          <recv request="REGISTER">
            <action>
              <verifyauth assign_to="authvalid" username="alice" password="secret"/>
            </action>
          </recv>
          <nop hide="true" test="authvalid" next="good"/>
          <send next="done">
            <![CDATA[
              SIP/2.0 403 Forbidden
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]SIPpTag01[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              Content-Length: 0

            ]]>
          </send>
          <label id="good"/>
          <send>
            <![CDATA[
              SIP/2.0 200 OK
              [last_Via:]
              [last_From:]
              [last_To:];tag=[pid]SIPpTag01[call_number]
              [last_Call-ID:]
              [last_CSeq:]
              [last_Contact:];expires=60
              Content-Length: 0

            ]]>
          </send>
          <label id="done"/>
        </scenario>
        """
}
