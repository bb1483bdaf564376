import Foundation
import RingsideCore

/// The SDP offer/answer model (RFC 3264) for one audio stream.
public enum SDPNegotiation {
    /// Answers `offer` with the first offered codec that `supported` contains, at our address and port.
    ///
    /// The first audio stream Ringside can use (plain RTP, a port other than 0, a numeric IPv4
    /// address, a codec in common) is answered; every other offered stream gets its own `m=` line
    /// with port 0 (RFC 3264 §6), so the answer has as many `m=` lines as the offer. When no stream
    /// is usable the error says why (secure profile only, bad address, no common codec, no audio).
    public static func answer(_ offer: SessionDescription, supported: [MediaCodec], address: String, port: UInt16)
        throws -> (answer: SessionDescription, media: NegotiatedMedia) {
        var refusal: SDPNegotiationError?
        var chosen: (index: Int, format: PayloadFormat, codec: MediaCodec, address: String)?
        for (index, stream) in offer.media.enumerated() where stream.media == "audio" && stream.port != 0 {
            guard stream.isPlainRTP else {
                if stream.isSecureProfile, refusal == nil { refusal = .secureProfileOnly(profile: stream.transport) }
                continue
            }
            guard let format = stream.formats.first(where: { $0.codec.map(supported.contains) ?? false }), let codec = format.codec else {
                refusal = .noCommonCodec(offered: stream.formats.map { "\($0.encodingName)/\($0.clockRate)" }, supported: supported.map(\.encodingName))
                continue
            }
            let peer = stream.connectionAddress ?? offer.address
            guard isUsable(peer) else {
                refusal = .unusableAddress(peer)
                continue
            }
            chosen = (index, format, codec, peer)
            break
        }
        guard let chosen else { throw refusal ?? .noAudioStream }
        let audio = offer.media[chosen.index]
        let codec = chosen.codec
        let events = audio.formats.first { $0.isTelephoneEvent && $0.clockRate == codec.clockRate } ?? audio.telephoneEvent
        let direction = (chosen.address == "0.0.0.0" ? MediaDirection.inactive : audio.direction).answering
        var formats = [chosen.format]
        if codec == .opus { formats[0].parameters = "useinbandfec=1" }
        if let events { formats.append(events) }
        // The offer's profile back (RTP/AVPF works as RTP/AVP for us; answering another profile would refuse it).
        let ours = MediaDescription(port: port, transport: audio.transport, formats: formats, direction: direction)
        let streams = offer.media.enumerated().map { $0.offset == chosen.index ? ours : MediaDescription.declined($0.element) }
        let answer = SessionDescription(address: address, media: streams)
        let media = NegotiatedMedia(codec: codec, payloadType: chosen.format.payloadType, telephoneEventPayloadType: events?.payloadType,
                                    telephoneEventClockRate: events?.clockRate ?? 8000,
                                    remoteAddress: chosen.address, remotePort: audio.port, direction: direction)
        return (answer, media)
    }

    /// What the offerer takes from the answer: the first answered codec we offered.
    public static func accept(answer: SessionDescription, offer: SessionDescription) throws -> NegotiatedMedia {
        guard let audio = answer.media.first(where: { $0.media == "audio" && $0.port != 0 }), let offered = offer.audio else {
            throw SDPNegotiationError.noAudioStream
        }
        let remoteAddress = audio.connectionAddress ?? answer.address
        guard isUsable(remoteAddress) else { throw SDPNegotiationError.unusableAddress(remoteAddress) }
        let ours = offered.formats.compactMap(\.codec)
        guard let chosen = audio.formats.first(where: { $0.codec.map(ours.contains) ?? false }), let codec = chosen.codec else {
            throw SDPNegotiationError.noCommonCodec(offered: audio.formats.map { "\($0.encodingName)/\($0.clockRate)" },
                                                    supported: ours.map(\.encodingName))
        }
        let events = audio.formats.first { $0.isTelephoneEvent && $0.clockRate == codec.clockRate } ?? audio.telephoneEvent
        let direction = (remoteAddress == "0.0.0.0" ? MediaDirection.inactive : audio.direction).answering
        return NegotiatedMedia(codec: codec, payloadType: chosen.payloadType, telephoneEventPayloadType: events?.payloadType,
                               telephoneEventClockRate: events?.clockRate ?? 8000,
                               remoteAddress: remoteAddress, remotePort: audio.port, direction: direction)
    }

    /// A numeric IPv4 unicast address (0.0.0.0 included: hold, RFC 3264 §8.4); not multicast, not a name.
    static func isUsable(_ address: String) -> Bool {
        var parsed = in_addr()
        guard inet_pton(AF_INET, address, &parsed) == 1 else { return false }
        let first = UInt32(bigEndian: parsed.s_addr) >> 24
        return !(224...255).contains(first) || address == "0.0.0.0"
    }
}
