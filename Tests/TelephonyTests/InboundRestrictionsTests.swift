import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Allowed source networks, server-side digest checking and password files, without a network.
@Suite struct InboundRestrictionsTests {
    @Test func networksMatchTheirOwnAddressesOnly() throws {
        let loopback = try IPNetwork(parsing: "127.0.0.0/8")
        #expect(loopback.contains("127.0.0.1"))
        #expect(loopback.contains("127.255.1.2"))
        #expect(!loopback.contains("128.0.0.1"))
        #expect(!loopback.contains("::1"))
        #expect(loopback.contains("::ffff:127.0.0.1"), "IPv4-mapped IPv6 is the IPv4 address")
        let v6 = try IPNetwork(parsing: "::1/128")
        #expect(v6.contains("::1"))
        #expect(v6.contains("[::1]"))
        #expect(!v6.contains("::2"))
        #expect(!v6.contains("127.0.0.1"))
        let odd = try IPNetwork(parsing: "10.20.30.40/12")
        #expect(odd.description == "10.16.0.0/12")
        #expect(odd.contains("10.31.255.255"))
        #expect(!odd.contains("10.32.0.0"))
        #expect(try IPNetwork(parsing: "192.0.2.7").contains("192.0.2.7"))
        #expect(try IPNetwork.list("127.0.0.0/8, ::1/128").count == 2)
        #expect(throws: IPNetworkError.badPrefix("127.0.0.0/33", maximum: 32)) { try IPNetwork(parsing: "127.0.0.0/33") }
        #expect(throws: IPNetworkError.badAddress("localhost/8")) { try IPNetwork(parsing: "localhost/8") }
    }

    /// RFC 2617 section 3.5's worked example, computed with sofia's MD5.
    @Test func digestResponseMatchesTheRFCExample() {
        let authorization = DigestAuthorization(username: "Mufasa", realm: "testrealm@host.com", nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                                                uri: "/dir/index.html", response: "", qop: "auth", nonceCount: "00000001", cnonce: "0a4f113b")
        #expect(authorization.expectedResponse(method: "GET", password: "Circle Of Life") == "6629fae49393a05397450978507c4ef1")
        #expect(DigestAuthorization.md5Hex("") == "d41d8cd98f00b204e9800998ecf8427e")
    }

    @Test func digestHeaderParametersAreRead() throws {
        let parsed = try #require(DigestAuthorization(parameters: ["username=\"alice\"", "realm=\"ringside\"", "nonce=\"abc\"", "uri=\"sip:agent@127.0.0.1\"",
                                                                   "response=\"0123\"", "algorithm=MD5", "qop=auth", "nc=00000001", "cnonce=\"xyz\""]))
        #expect(parsed.username == "alice" && parsed.realm == "ringside" && parsed.qop == "auth" && parsed.nonceCount == "00000001")
        #expect(DigestAuthorization(parameters: ["username=\"alice\""]) == nil, "a header without nonce or response is not digest credentials")
    }

    @Test func authenticatorAcceptsRefusesAndExpires() throws {
        let clock = VirtualClock()
        let authenticator = DigestAuthenticator(username: "alice", password: "s3cret", nonceLifetime: .seconds(60), clock: clock)
        let requestURI = "sip:agent@127.0.0.1:5062"
        func answer(_ challenge: String, password: String, nc: String = "00000001", user: String = "alice",
                    uri: String = "sip:agent@127.0.0.1:5062") throws -> DigestAuthorization {
            let nonce = try #require(challenge.split(separator: "\"").dropFirst(3).first.map(String.init))
            var a = DigestAuthorization(username: user, realm: "ringside", nonce: nonce, uri: uri, response: "", algorithm: "MD5", qop: "auth",
                                        nonceCount: nc, cnonce: "c0ffee")
            a.response = a.expectedResponse(method: "INVITE", password: password)
            return a
        }
        #expect(authenticator.verify(method: "INVITE", requestURI: requestURI, authorization: nil) == .challenge(stale: false))
        let challenge = authenticator.challenge()
        #expect(challenge.hasPrefix("Digest realm=\"ringside\", nonce=\""))
        #expect(challenge.contains("qop=\"auth\"") && challenge.contains("algorithm=MD5"))
        #expect(!challenge.contains("s3cret"))

        let good = try answer(challenge, password: "s3cret")
        #expect(authenticator.verify(method: "INVITE", requestURI: requestURI, authorization: good) == .accepted(username: "alice"))
        guard case let .refused(replayed) = authenticator.verify(method: "INVITE", requestURI: requestURI, authorization: good) else {
            Issue.record("the same nonce count twice was accepted")
            return
        }
        #expect(replayed.contains("replayed"))
        #expect(authenticator.verify(method: "INVITE", requestURI: requestURI, authorization: try answer(challenge, password: "s3cret", nc: "00000002"))
            == .accepted(username: "alice"))

        guard case let .refused(wrong) = authenticator.verify(method: "INVITE", requestURI: requestURI,
                                                              authorization: try answer(authenticator.challenge(), password: "guess")) else {
            Issue.record("a wrong password was not refused")
            return
        }
        #expect(wrong.contains("wrong credentials for \"alice\"") && !wrong.contains("guess") && !wrong.contains("s3cret"))
        guard case .refused = authenticator.verify(method: "INVITE", requestURI: requestURI,
                                                   authorization: try answer(authenticator.challenge(), password: "s3cret", user: "mallory")) else {
            Issue.record("an unknown user was not refused")
            return
        }
        #expect(authenticator.verify(method: "INVITE", requestURI: requestURI,
                                     authorization: try answer(authenticator.challenge(), password: "s3cret", uri: "sip:127.0.0.1:5062;transport=tcp"))
            == .accepted(username: "alice"), "a digest uri without the user part names the same host")
        guard case .refused = authenticator.verify(method: "INVITE", requestURI: "sip:agent@127.0.0.2:5062",
                                                   authorization: try answer(authenticator.challenge(), password: "s3cret")) else {
            Issue.record("credentials for another request URI were accepted")
            return
        }

        // Right credentials on an expired nonce: challenged again as stale, not refused.
        let old = try answer(authenticator.challenge(), password: "s3cret")
        clock.advance(by: .seconds(61))
        #expect(authenticator.verify(method: "INVITE", requestURI: requestURI, authorization: old) == .challenge(stale: true))
        #expect(authenticator.challenge(stale: true).hasSuffix("stale=true"))
        #expect(!authenticator.description.contains("s3cret"))
    }

    @Test func credentialsNeverShowThePassword() {
        let credentials = SIPCredentials(username: "alice", password: "s3cret", realm: "ringside")
        #expect(!"\(credentials)".contains("s3cret"))
    }

    @Test func passwordFileMustBeReadableOnlyByItsOwner() throws {
        let dir = try TestPaths.temporaryDirectory("ringside-password")
        let file = dir.appendingPathComponent("password").path
        try "s3cret\nignored\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        #expect(throws: PasswordFileError.tooOpen(path: file, mode: 0o644)) { try PasswordFile.read(file) }
        #expect(PasswordFileError.tooOpen(path: file, mode: 0o644).description.contains("chmod 600"))
        chmod(file, 0o600)
        #expect(try PasswordFile.read(file) == "s3cret")
        #expect(throws: PasswordFileError.self) { try PasswordFile.read(dir.appendingPathComponent("missing").path) }
    }
}
