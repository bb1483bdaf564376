import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// A SIP MESSAGE in a served call's dialog that is not the handback of a takeover: the clinic served
/// on 127.0.0.1 (`AgentCallServer`), called by a real `SIPPhone` or written to byte for byte (`RawSIP`).
@Suite(.serialized) struct ServeHandbackMessageTests {
    static func events(_ server: LoopbackAgentServer) -> [CallEvent] { server.calls.flatMap { $0.call.bus.events } }

    /// Waits (at most `seconds`) for the first of serve's events `match` accepts; its index.
    static func waitForEvent(_ server: LoopbackAgentServer, _ seconds: Double, _ match: (CallEventPayload) -> Bool) async throws -> Int? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let at = events(server).firstIndex(where: { match($0.payload) }) { return at }
            try await Task.sleep(for: .milliseconds(50))
        }
        return events(server).firstIndex { match($0.payload) }
    }

    /// The agent is live (never held) when a handback's context arrives: serve takes it (the agent is
    /// told, the call records it as context passed on, not as a handback), the agent does not resume
    /// or greet again (nothing is decided or said until the caller speaks), and the call goes on: the
    /// caller's next question is answered.
    @Test func contextOutsideATakeoverIsNotedAndTheAgentCarriesOn() async throws {
        let folder = try TestPaths.temporaryDirectory("ringside-serve-context")
        let server = try LoopbackAgentServer(agentDirectory: SuperviseScenarioTests.clinic, databaseURL: folder.appendingPathComponent("clinic.sqlite"))
        let (phone, log) = try SuperviseTests.caller(codecs: [.pcmu])
        let call = try phone.dial(server.uri)
        #expect(await log.waitFor(15) { $0.connectedCall === call } != nil, "the clinic did not answer: \(log.all)")
        let listening = Task { try await SuperviseTests.listen(call, frames: 1500) }
        // The greeting has been said and heard.
        #expect(try await Self.waitForEvent(server, 20) { if case .playoutFinished = $0 { return true }; return false } != nil,
                "no greeting: \(Self.events(server).map(\.payload))")

        let context = "caller: I would like a cleaning next week\noperator: she prefers mornings"
        try phone.message(call, text: context)
        let noted = try await Self.waitForEvent(server, 5) { if case .contextPassedOn = $0 { return true }; return false }
        let at = try #require(noted, "serve did not note the context: \(Self.events(server).map(\.payload))")
        guard case let .contextPassedOn(text) = Self.events(server)[at].payload else { return }
        #expect(text == context)
        #expect(!Self.events(server).contains { if case .handback = $0.payload { return true }; return false }, "recorded as a handback")

        // The caller asks something: the agent answers it, and said nothing between the context and the question.
        try await ServeSoakTests.converse(call, try await ServeSoakTests.speech())
        let asked = try #require(try await Self.waitForEvent(server, 15) { if case .finalTranscript(.caller, _, _) = $0 { return true }; return false },
                                 "serve heard no question: \(Self.events(server).map(\.payload))")
        let between = Self.events(server)[(at + 1)..<max(at + 1, asked)].filter { if case .ttsRequested = $0.payload { return true }; if case .brainDecided = $0.payload { return true }; return false }
        #expect(between.isEmpty, "the agent spoke for the context, before the caller did: \(between.map(\.payload))")
        let deadline = Date().addingTimeInterval(15)
        func replied() -> Bool { Self.events(server).dropFirst(asked + 1).contains { if case .ttsRequested = $0.payload { return true }; return false } }
        while !replied(), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(replied(), "the agent did not answer after the context: \(Self.events(server).map(\.payload))")
        #expect(call.endReason == nil, "the call ended: \(call.endReason ?? "")")
        listening.cancel()
        call.hangUp()
        await phone.shutdown()
        await server.stop()
    }

    /// MESSAGEs in a served call's dialog that are no handback context: each is refused with the status
    /// RFC 3428 / RFC 3261 give and a Warning naming the problem, serve's call records the refusal, and
    /// the call goes on: a text MESSAGE afterwards in the same dialog is taken (200) and noted.
    @Test func malformedContextIsRefusedWithAClearStatusAndTheCallGoesOn() async throws {
        let folder = try TestPaths.temporaryDirectory("ringside-serve-bad-message")
        let server = try LoopbackAgentServer(agentDirectory: SuperviseScenarioTests.clinic, databaseURL: folder.appendingPathComponent("clinic.sqlite"))
        let media = try UDPSocket(address: "127.0.0.1", port: 0)
        let raw = try RawSIP(serverPort: server.phone.agent.localPort)
        let callID = "message-\(UUID().uuidString)@test"
        let invite = raw.invite(callID: callID, sdp: ServeShutdownTests.offer(port: media.local.port))
        raw.send(invite)
        let answer = try #require(raw.finalResponse(callID: callID, timeout: 10), "no answer to the INVITE")
        try #require(answer.status == 200, "\(answer.text)")
        raw.send(raw.inDialog("ACK", invite: invite, answer: answer, cseq: 1))

        let oversize = [UInt8](repeating: UInt8(ascii: "a"), count: MessageScreen.maxBytes + 1)
        let cases: [(type: String?, body: [UInt8], status: Int, problem: String)] = [
            ("text/plain", [], 400, "no body"),
            ("application/octet-stream", [0x00, 0x01, 0x02, 0xFF], 415, "application/octet-stream"),
            (nil, Array("caller: hello".utf8), 415, "no Content-Type"),
            ("text/plain;charset=ISO-8859-1", Array("caller: caf".utf8) + [0xE9], 415, "charset iso-8859-1"),
            ("text/plain;charset=UTF-8", Array("caller: caf".utf8) + [0xE9, 0x0A], 400, "not valid UTF-8"),
            ("text/plain", Array("caller: hi".utf8) + [0x00, 0x07], 400, "control byte 0x00"),
            ("text/plain", oversize, 413, "\(oversize.count) bytes"),
        ]
        for (n, c) in cases.enumerated() {
            raw.send(raw.inDialog("MESSAGE", invite: invite, answer: answer, cseq: 2 + n, contentType: c.type, body: c.body))
            let response = try #require(raw.finalResponse(callID: callID, timeout: 5), "no answer to MESSAGE \(n + 1) (\(c.problem))")
            #expect(response.status == c.status, "MESSAGE \(n + 1) (\(c.problem)): \(response.text)")
            #expect(response.header("Warning")?.contains(c.problem) == true, "MESSAGE \(n + 1): the Warning does not say '\(c.problem)': \(response.text)")
            if c.status == 415 { #expect(response.header("Accept") == "text/plain", "\(response.text)") }
            #expect(try await Self.waitForEvent(server, 5) { if case let .error(m) = $0 { return m.contains("refused with \(c.status): ") && m.contains(c.problem) }; return false } != nil,
                    "serve's call does not record the refusal of MESSAGE \(n + 1): \(Self.events(server).map(\.payload))")
        }

        // The call goes on: the dialog takes text, and the agent is told.
        raw.send(raw.inDialog("MESSAGE", invite: invite, answer: answer, cseq: 2 + cases.count, contentType: "text/plain;charset=UTF-8",
                              body: Array("operator: the caller is Ana".utf8)))
        #expect(raw.finalResponse(callID: callID, timeout: 5)?.status == 200)
        #expect(try await Self.waitForEvent(server, 5) { $0 == .contextPassedOn(context: "operator: the caller is Ana") } != nil,
                "\(Self.events(server).map(\.payload))")
        #expect(!Self.events(server).contains { if case .callEnded = $0.payload { return true }; return false }, "the call ended")

        // The same text outside any dialog (pager mode, a new Call-ID, no To tag): no one would read it,
        // so it is refused, not taken with a 200; the call in progress hears nothing of it.
        let pagerID = "pager-\(UUID().uuidString)@test"
        raw.send(Array([
            "MESSAGE sip:agent@127.0.0.1:\(server.phone.agent.localPort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(raw.localPort);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
            "Max-Forwards: 70", "From: <sip:tester@127.0.0.1>;tag=p", "To: <sip:agent@127.0.0.1:\(server.phone.agent.localPort)>",
            "Call-ID: \(pagerID)", "CSeq: 1 MESSAGE", "Content-Type: text/plain", "Content-Length: 20",
        ].joined(separator: "\r\n").utf8) + Array("\r\n\r\noperator: pager text".utf8))
        let pager = try #require(raw.finalResponse(callID: pagerID, timeout: 5), "no answer to a MESSAGE outside a dialog")
        #expect(pager.status == 403, "\(pager.text)")
        #expect(pager.header("Warning")?.contains("only in a call's dialog") == true, "\(pager.text)")
        #expect(!Self.events(server).contains { $0.payload == .contextPassedOn(context: "operator: pager text") }, "the pager text reached the call")
        raw.send(raw.inDialog("BYE", invite: invite, answer: answer, cseq: 3 + cases.count))
        _ = raw.finalResponse(callID: callID, timeout: 2)
        await server.stop()
    }
}
