import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Ringside's UA against other SIP software and hostile input, all on 127.0.0.1.
@Suite(.serialized) struct InteropTests {
    static let sipp = TestPaths.executable("sipp")

    static func freePort() throws -> UInt16 { try UDPSocket(address: "127.0.0.1", port: 0).local.port }

    static func sippArguments(scenario: [String], uaPort: UInt16) throws -> [String] {
        scenario + ["-m", "1", "-i", "127.0.0.1", "-p", String(try freePort()), "-mp", String(try freePort()),
                    "-timeout", "20s", "-timeout_error", "-nostdin", "-l", "1", "127.0.0.1:\(uaPort)"]
    }

    @Test func sippCallsRingside() async throws {
        guard let sipp = Self.sipp else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let callee = try AnsweringCallee(supported: [.pcmu, .pcma])
        let run = try runProgram(sipp, try Self.sippArguments(scenario: ["-sn", "uac"], uaPort: callee.agent.localPort))
        #expect(run.status == 0, "sipp exited \(run.status): \(run.stderr.suffix(800))")
        #expect(await callee.log.waitFor { $0.isEstablished } != nil)
        #expect(await callee.log.waitFor { $0.endReason != nil }?.endReason == "remote hung up")
        let media = try #require(callee.allMedia.first)
        #expect(media.statistics().received.codec == "PCMU")
        callee.allMedia.forEach { $0.stop() }
        await callee.agent.shutdown()
    }

    @Test func sippCancelsWhileRinging() async throws {
        guard let sipp = Self.sipp else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let callee = try AnsweringCallee(supported: [.pcmu], decision: .ring)
        let dir = try TestPaths.temporaryDirectory("ringside-sipp")
        let scenario = dir.appendingPathComponent("cancel.xml")
        try Self.cancelScenario.write(to: scenario, atomically: true, encoding: .utf8)
        let run = try runProgram(sipp, try Self.sippArguments(scenario: ["-sf", scenario.path], uaPort: callee.agent.localPort))
        #expect(run.status == 0, "sipp exited \(run.status): \(run.stderr.suffix(800))")
        #expect(await callee.log.waitFor { $0.endReason != nil }?.endReason == "caller cancelled")
        await callee.agent.shutdown()
    }

    @Test func ringsideCallsSippUAS() async throws {
        guard let sipp = Self.sipp else {
            Issue.record("sipp is not installed (Debian package sip-tester); CI installs it")
            return
        }
        let port = try Self.freePort()
        let child = try ChildProcess.spawn(sipp, ["-sn", "uas", "-m", "1", "-i", "127.0.0.1", "-p", String(port), "-mp", String(try Self.freePort()),
                                                  "-timeout", "20s", "-timeout_error", "-nostdin"])
        for _ in 0..<100 where PortProbe.isFree(port: port, transport: .udp) { try await Task.sleep(nanoseconds: 50_000_000) }
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0)))
        let log = PhoneEventLog(phone)
        try phone.start()
        let call = try phone.dial("sip:service@127.0.0.1:\(port)")
        let connected = await log.waitFor { $0.connectedCall != nil }
        guard case let .connected(_, codec) = connected else {
            Issue.record("sipp did not answer: \(log.all)")
            child.signal(SIGKILL)
            child.wait()
            return
        }
        #expect(codec == .pcmu)
        call.hangUp()
        #expect(await log.waitFor { $0.endedReason != nil }?.endedReason == "hung up")
        var status: Int32?
        for _ in 0..<200 where status == nil {
            var raw: Int32 = 0
            if waitpid(child.pid, &raw, WNOHANG) == child.pid {
                status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
            } else {
                try await Task.sleep(nanoseconds: 50_000_000)
            }
        }
        if status == nil { child.signal(SIGKILL); child.wait() }
        #expect(status == 0, "sipp UAS exit status \(String(describing: status))")
        await phone.shutdown()
    }

    @Test func survivesRFC4475TortureMessages() async throws {
        let folder = TestPaths.conformance("rfc4475")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dat") }.sorted()
        #expect(files.count == 50)
        let target = try AnsweringCallee(supported: [.pcmu], decision: .reject(status: 486, phrase: "Busy Here"))
        let endpoint = UDPEndpoint(address: "127.0.0.1", port: target.agent.localPort)
        var responses: [String: [String]] = [:]
        for name in files {
            let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            // A fresh socket per message, so retransmitted answers to earlier ones are not counted against it.
            let sender = try UDPSocket(address: "127.0.0.1", port: 0)
            sender.send(bytes, to: endpoint)
            // Collect what comes back for a short, bounded while.
            let deadline = Date().addingTimeInterval(0.3)
            while Date() < deadline {
                var fds = [pollfd(fd: sender.fd, events: Int16(POLLIN), revents: 0)]
                guard poll(&fds, 1, 50) > 0 else { continue }
                while let (reply, _) = sender.receive() {
                    let statusLine = String(decoding: reply.prefix(while: { $0 != 13 && $0 != 10 }), as: UTF8.self)
                    responses[name, default: []].append(statusLine)
                }
            }
        }
        // Still in service: an ordinary OPTIONS from another UA is answered.
        let prober = SIPUserAgent(configuration: SIPConfiguration(port: 0))
        try prober.start()
        let alive = try await prober.options(uri: target.agent.localURI)
        #expect(alive.status == 200)
        // Valid requests from RFC 4475 section 3.1.1 are answered with a SIP response.
        // (sofia silently drops intmeth.dat and longreq.dat; dropping is its decision, and service continues.)
        for valid in ["wsinv.dat", "esc01.dat", "escnull.dat", "lwsdisp.dat", "dblreq.dat", "semiuri.dat", "transports.dat", "mpart01.dat"] {
            #expect(responses[valid]?.first?.hasPrefix("SIP/2.0 ") == true, "\(valid) got \(responses[valid] ?? [])")
        }
        // Invalid ones (3.1.2) are never accepted with 2xx.
        for invalid in ["badinv01.dat", "clerr.dat", "ncl.dat", "insuf.dat", "badvers.dat", "mismatch01.dat", "mcl01.dat", "quotbal.dat", "ltgtruri.dat"] {
            let lines = responses[invalid] ?? []
            #expect(!lines.contains { $0.hasPrefix("SIP/2.0 2") }, "\(invalid) got \(lines)")
        }
        await prober.shutdown()
        await target.agent.shutdown()
    }

    static let cancelScenario = SippScenario.document("INVITE then CANCEL while ringing", [
        SippScenario.invite(branch: 1, cseq: 1), SippScenario.receive(100, optional: true), SippScenario.receive(180),
        SippScenario.cancel(branch: 1), SippScenario.receive(200), SippScenario.receive(487), SippScenario.ack(branch: 1, cseq: 1),
    ])
}
