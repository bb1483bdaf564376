import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Offer/answer per RFC 3264 against the real phone `serve` uses, over loopback: one `m=` line per
/// offered stream (port 0 for the declined), secure profiles and unusable addresses refused with 488
/// and a Warning that says why, and what cannot be read in a declined stream ignored.
@Suite(.serialized) struct SDPAnswerTests {
    static func body(_ lines: [String]) -> String { lines.joined(separator: "\r\n") + "\r\n" }

    static let head = ["v=0", "o=tester 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0"]
    static let audio = ["m=audio 40100 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=sendrecv"]

    // MARK: The negotiation alone

    @Test func audioAndVideoGetTwoLinesWithTheVideoDeclined() throws {
        let offer = try SessionDescription(parsing: Self.body(Self.head + Self.audio + ["m=video 40102 RTP/AVP 31 34", "a=rtpmap:31 LPC", "a=rtpmap:34 H263/90000"]))
        let (answer, media) = try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        #expect(media.codec == .pcmu && media.remotePort == 40100)
        let lines = answer.text.components(separatedBy: "\r\n").filter { $0.hasPrefix("m=") }
        #expect(lines == ["m=audio 5000 RTP/AVP 0 101", "m=video 0 RTP/AVP 31 34"])
        // The answer reads back as the same two streams.
        let parsed = try SessionDescription(parsing: answer.text)
        #expect(parsed.media.map(\.port) == [5000, 0])
    }

    @Test func videoFirstThenAudioKeepsTheOrder() throws {
        let offer = try SessionDescription(parsing: Self.body(Self.head + ["m=video 40102 RTP/AVP 96", "a=rtpmap:96 VP8/90000"] + Self.audio))
        let (answer, _) = try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        #expect(answer.media.map(\.media) == ["video", "audio"])
        #expect(answer.media.map(\.port) == [0, 5000])
    }

    @Test(arguments: ["RTP/SAVP", "UDP/TLS/RTP/SAVPF", "RTP/SAVPF"])
    func secureProfilesAloneAreRefused(_ profile: String) throws {
        let offer = try SessionDescription(parsing: Self.body(Self.head + ["m=audio 40100 \(profile) 0", "a=rtpmap:0 PCMU/8000"]))
        #expect(throws: SDPNegotiationError.secureProfileOnly(profile: profile)) {
            try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        }
    }

    @Test func aPlainStreamBesideASecureOneIsTaken() throws {
        let offer = try SessionDescription(parsing: Self.body(Self.head + ["m=audio 40104 RTP/SAVP 0", "a=rtpmap:0 PCMU/8000"] + Self.audio))
        let (answer, media) = try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        #expect(media.remotePort == 40100)
        #expect(answer.media.map(\.port) == [0, 5000] && answer.media[0].transport == "RTP/SAVP")
    }

    @Test(arguments: ["999.1.1.1", "example.com", "224.0.0.1", "::1"])
    func unusableAddressesAreRefused(_ address: String) throws {
        let type = address.contains(":") ? "IP6" : "IP4"
        let text = Self.body(["v=0", "o=tester 1 1 IN IP4 127.0.0.1", "s=-", "c=IN \(type) \(address)", "t=0 0"] + Self.audio)
        let offer = try SessionDescription(parsing: text)
        #expect(throws: SDPNegotiationError.unusableAddress(address)) {
            try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        }
    }

    @Test func audioAtPortZeroIsNoAudio() throws {
        let offer = try SessionDescription(parsing: Self.body(Self.head + ["m=audio 0 RTP/AVP 0", "a=rtpmap:0 PCMU/8000"]))
        #expect(throws: SDPNegotiationError.noAudioStream) {
            try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        }
    }

    @Test func theNullAddressIsHeldNotRefused() throws {
        let text = Self.body(["v=0", "o=tester 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"] + Self.audio)
        let (answer, media) = try SDPNegotiation.answer(try SessionDescription(parsing: text), supported: [.pcmu], address: "127.0.0.1", port: 5000)
        #expect(media.direction == .inactive && answer.media[0].direction == .inactive)
    }

    @Test func garbageInAnAudioStreamWeUseIsStillAnError() {
        #expect(throws: LocatedError.self) {
            try SessionDescription(parsing: Self.body(Self.head + ["m=audio 40100 RTP/AVP 0", "a=rtpmap:0 PCMU"]))
        }
    }

    // MARK: Over SIP, against the phone serve answers with

    @Test func answersOverSIPCarryOneLinePerStreamAndWarnings() async throws {
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(port: 0), codecs: [.pcmu], autoAnswer: true))
        try phone.start()
        let raw = try RawSIP(serverPort: phone.localURI.split(separator: ":").last.flatMap { UInt16($0) } ?? 0)
        func send(_ sdp: String) throws -> RawSIP.Response {
            let callID = "sdp-\(UUID().uuidString)@test"
            let invite = raw.invite(callID: callID, sdp: sdp)
            raw.send(invite)
            let answer = try #require(raw.finalResponse(callID: callID, timeout: 5), "no answer to \(sdp)")
            if answer.status == 200 { raw.acknowledgeAndHangUp(invite: invite, answer: answer) }
            return answer
        }
        let both = try send(Self.body(Self.head + Self.audio + ["m=video 40102 RTP/AVP 31", "a=rtpmap:31 LPC"]))
        #expect(both.status == 200, "\(both)")
        #expect(both.body.components(separatedBy: "\r\n").filter { $0.hasPrefix("m=") }.count == 2, "\(both.body)")

        let secure = try send(Self.body(Self.head + ["m=audio 40100 RTP/SAVP 0", "a=rtpmap:0 PCMU/8000", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x"]))
        #expect(secure.status == 488 && secure.header("Warning")?.hasPrefix("302 ringside") == true, "\(secure.text)")

        let badAddress = try send(Self.body(["v=0", "o=tester 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 999.1.1.1", "t=0 0"] + Self.audio))
        #expect(badAddress.status == 488 && badAddress.header("Warning")?.hasPrefix("301 ringside") == true, "\(badAddress.text)")

        let broken = try send(Self.body(Self.head + ["m=audio 40100 RTP/AVP 0", "a=ptime:soon"]))
        #expect(broken.status == 488 && broken.header("Warning")?.contains("SDP:7") == true, "the line is named: \(broken.text)")
        await phone.shutdown()
    }
}
