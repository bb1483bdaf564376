import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Password guessing against digest-protected INVITEs slows to a crawl: per-source back-off that
/// doubles, refusals without checking while it lasts, one log line per burst, and the right
/// password working again once the back-off is over.
@Suite(.serialized) struct GuessingGuardTests {
    static let password = "s3cret-Pw-42"

    @Test func backoffStartsAfterTheFreeFailuresAndDoubles() {
        let clock = VirtualClock()
        let guardian = GuessingGuard(policy: .init(freeFailures: 3, initialBackoff: .seconds(1), maximumBackoff: .seconds(4)), clock: clock)
        #expect(guardian.failed(source: "10.0.0.1") == nil)
        #expect(guardian.failed(source: "10.0.0.1") == nil)
        #expect(guardian.backoffRemaining(for: "10.0.0.1") == nil, "two failures are free")
        let notice = guardian.failed(source: "10.0.0.1")
        #expect(notice?.contains("refusing it for 1 s") == true, "\(notice ?? "no notice")")
        #expect(guardian.backoffRemaining(for: "10.0.0.1") == 1)
        #expect(guardian.backoffRemaining(for: "10.0.0.2") == nil, "another source is not affected")
        clock.advance(to: .milliseconds(1001))
        #expect(guardian.backoffRemaining(for: "10.0.0.1") == nil, "the back-off is over")
        // Each further failure doubles it, up to the maximum; the notice counts what the back-off turned away.
        #expect(guardian.failed(source: "10.0.0.1")?.contains("for 2 s") == true)
        _ = guardian.backoffRemaining(for: "10.0.0.1")
        clock.advance(to: .milliseconds(3002))
        let third = guardian.failed(source: "10.0.0.1")
        #expect(third?.contains("for 4 s") == true && third?.contains("1 more") == true, "\(third ?? "")")
        clock.advance(to: .milliseconds(7003))
        #expect(guardian.failed(source: "10.0.0.1")?.contains("for 4 s") == true, "capped at the maximum")
        // Success clears the record.
        clock.advance(to: .milliseconds(11004))
        guardian.succeeded(source: "10.0.0.1")
        #expect(guardian.failed(source: "10.0.0.1") == nil)
    }

    @Test func quietSourcesAreForgotten() {
        let clock = VirtualClock()
        let guardian = GuessingGuard(policy: .init(freeFailures: 2, initialBackoff: .seconds(1), forgetAfter: .seconds(60)), clock: clock)
        _ = guardian.failed(source: "a")
        clock.advance(to: .seconds(61))
        #expect(guardian.failed(source: "a") == nil, "a failure a minute later starts afresh")
    }

    /// A guesser hammering a real SIP user agent over loopback: once backing off, its attempts are not
    /// checked (403 with Retry-After, even for the right password); at most 10 a second are checked;
    /// the right password works once the back-off is over.
    @Test func guessingOverSIPSlowsToAFewChecksASecond() async throws {
        let authenticator = DigestAuthenticator(username: "alice", password: Self.password)
        let guardian = GuessingGuard(policy: .init(freeFailures: 5, initialBackoff: .seconds(1)))
        let callee = try AnsweringCallee(supported: [.pcmu], inbound: InboundRestrictions(authenticator: authenticator, guessing: guardian))
        defer { Task { await callee.agent.shutdown() } }
        let raw = try RawSIP(serverPort: callee.agent.localPort)
        let uri = "sip:agent@127.0.0.1:\(callee.agent.localPort)"
        // The challenge gives a nonce to answer.
        raw.send(raw.invite(callID: "challenge@test", sdp: ServeShutdownTests.offer(port: 40010)))
        let challenge = try #require(raw.finalResponse(callID: "challenge@test"))
        try #require(challenge.status == 401, "\(challenge.text)")
        let header = try #require(challenge.header("WWW-Authenticate"))
        let nonce = try #require(header.components(separatedBy: "nonce=\"").dropFirst().first?.split(separator: "\"").first.map(String.init))
        var count = 0
        func attempt(password: String) throws -> RawSIP.Response {
            count += 1
            let nc = String(format: "%08x", count)
            let fields = DigestAuthorization(username: "alice", realm: "ringside", nonce: nonce, uri: uri, response: "",
                                             algorithm: "MD5", qop: "auth", nonceCount: nc, cnonce: "c0ffee")
            let response = fields.expectedResponse(method: "INVITE", password: password)
            let authorization = "Authorization: Digest username=\"alice\", realm=\"ringside\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
                + "response=\"\(response)\", algorithm=MD5, qop=auth, nc=\(nc), cnonce=\"c0ffee\""
            let callID = "guess-\(count)@test"
            raw.send(raw.invite(callID: callID, sdp: ServeShutdownTests.offer(port: 40010), extraHeaders: [authorization]))
            return try #require(raw.finalResponse(callID: callID), "attempt \(count) got no answer")
        }
        // Two seconds of guessing, one attempt after another.
        let start = Date()
        var checked = 0, backedOff = 0
        while Date().timeIntervalSince(start) < 2 {
            let answer = try attempt(password: "guess-\(count)")
            #expect(answer.status == 403, "a wrong password: \(answer)")
            if answer.header("Retry-After") == nil { checked += 1 } else { backedOff += 1 }
        }
        let seconds = Date().timeIntervalSince(start)
        print("guessing: \(checked + backedOff) attempts in \(String(format: "%.1f", seconds)) s, \(checked) checked")
        #expect(Double(checked) / seconds <= 10, "\(checked) attempts checked in \(seconds) s")
        #expect(backedOff >= 50, "the guesser was answered \(backedOff) times while backing off: the agent must keep answering")
        // The right password while backing off is refused unchecked; after the back-off it works.
        let during = try attempt(password: Self.password)
        let wait = try #require(during.header("Retry-After").flatMap { Int($0) }, "the right password during the back-off: \(during.text)")
        #expect(during.status == 403)
        try await Task.sleep(for: .milliseconds(wait * 1000 + 100))  // the back-off itself is what is waited for
        let after = try attempt(password: Self.password)
        #expect(after.status == 200, "the right password after the back-off: \(after)")
        if after.status == 200 {
            raw.acknowledgeAndHangUp(invite: raw.invite(callID: "guess-\(count)@test", sdp: nil), answer: after)
        }
    }
}
