import RingsideCore
import Testing
@testable import Telephony

@Suite struct SDPTests {
    let offerText = """
        v=0\r
        o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r
        s=-\r
        c=IN IP4 127.0.0.1\r
        t=0 0\r
        m=audio 49170 RTP/AVP 111 0 8 101\r
        a=rtpmap:111 opus/48000/2\r
        a=fmtp:111 useinbandfec=1\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r
        a=sendrecv\r

        """

    @Test func parsesOffer() throws {
        let sdp = try SessionDescription(parsing: offerText)
        #expect(sdp.address == "127.0.0.1")
        #expect(sdp.originUsername == "alice")
        let audio = try #require(sdp.audio)
        #expect(audio.port == 49170)
        #expect(audio.formats.map(\.payloadType) == [111, 0, 8, 101])
        #expect(audio.formats[0] == PayloadFormat(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2, parameters: "useinbandfec=1"))
        #expect(audio.formats[1].codec == .pcmu)  // static type without rtpmap
        #expect(audio.formats[2].codec == .pcma)
        #expect(audio.telephoneEvent?.payloadType == 101)
        #expect(audio.ptime == 20)
        #expect(audio.direction == .sendrecv)
    }

    @Test func buildThenParseRoundTrips() throws {
        let offer = SessionDescription.offer(address: "127.0.0.1", port: 40000, direction: .sendonly)
        let text = offer.text
        #expect(text.contains("m=audio 40000 RTP/AVP 111 0 8 101 110\r\n"))
        #expect(text.contains("a=rtpmap:110 telephone-event/48000\r\n"))
        #expect(text.contains("a=rtpmap:111 opus/48000/2\r\n"))
        #expect(text.contains("a=fmtp:111 useinbandfec=1\r\n"))
        #expect(text.contains("a=rtpmap:0 PCMU/8000\r\n"))
        #expect(text.contains("a=rtpmap:101 telephone-event/8000\r\n"))
        #expect(text.contains("c=IN IP4 127.0.0.1\r\n"))
        #expect(text.contains("a=sendonly\r\n"))
        #expect(try SessionDescription(parsing: text) == offer)
    }

    @Test func negotiationPicksFirstCommonCodecAndAnswersHold() throws {
        let offer = try SessionDescription(parsing: offerText)
        let (answer, media) = try SDPNegotiation.answer(offer, supported: [.pcmu, .pcma], address: "127.0.0.1", port: 50000)
        #expect(media.codec == .pcmu)
        #expect(media.payloadType == 0)
        #expect(media.telephoneEventPayloadType == 101)
        #expect(media.remoteAddress == "127.0.0.1" && media.remotePort == 49170)
        #expect(answer.audio?.formats.map(\.payloadType) == [0, 101])
        let opus = try SDPNegotiation.answer(offer, supported: [.pcmu, .opus], address: "127.0.0.1", port: 50000)
        #expect(opus.media.codec == .opus)  // the offerer's order decides
        let back = try SDPNegotiation.accept(answer: answer, offer: offer)
        #expect(back.codec == .pcmu && back.remotePort == 50000)

        var hold = offer
        hold.media[0].direction = .sendonly
        #expect(try SDPNegotiation.answer(hold, supported: [.pcmu], address: "127.0.0.1", port: 1).answer.audio?.direction == .recvonly)
        #expect(MediaDirection.inactive.answering == .inactive)
        #expect(throws: SDPNegotiationError.self) { try SDPNegotiation.answer(offer, supported: [], address: "127.0.0.1", port: 1) }
    }

    @Test func telephoneEventFollowsTheCodecClock() throws {
        let offer = SessionDescription.offer(address: "127.0.0.1", port: 4000, codecs: [.opus, .pcmu])
        let opus = try SDPNegotiation.answer(offer, supported: [.opus], address: "127.0.0.1", port: 5000)
        #expect(opus.media.telephoneEventPayloadType == 110 && opus.media.telephoneEventClockRate == 48000)
        let pcmu = try SDPNegotiation.answer(offer, supported: [.pcmu], address: "127.0.0.1", port: 5000)
        #expect(pcmu.media.telephoneEventPayloadType == 101 && pcmu.media.telephoneEventClockRate == 8000)
        #expect(try SDPNegotiation.accept(answer: opus.answer, offer: offer).telephoneEventPayloadType == 110)
    }

    @Test func malformedSDPNamesTheLine() {
        func problem(_ text: String) -> LocatedError? {
            do { _ = try SessionDescription(parsing: text, source: "INVITE"); return nil } catch let e as LocatedError { return e } catch { return nil }
        }
        let badPort = offerText.replacingOccurrences(of: "m=audio 49170", with: "m=audio 99999")
        #expect(problem(badPort)?.location.line == 6)
        #expect(problem(badPort)?.field == "m=")
        let badMap = offerText.replacingOccurrences(of: "a=rtpmap:111 opus/48000/2", with: "a=rtpmap:111 opus")
        #expect(problem(badMap)?.location.line == 7)
        let garbage = offerText.replacingOccurrences(of: "s=-", with: "hello")
        #expect(problem(garbage)?.location.line == 3)
        #expect(problem("o=x 1 1 IN IP4 1.2.3.4\r\n")?.location.line == 1)
        #expect(problem("")?.field == "v=")
        let noConnection = offerText.replacingOccurrences(of: "c=IN IP4 127.0.0.1\r\n", with: "")
        #expect(problem(noConnection)?.field == "c=")
        #expect(problem(badPort)?.description.hasPrefix("INVITE:6: m=: port") == true)
    }
}
