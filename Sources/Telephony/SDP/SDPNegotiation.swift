import RingsideCore

/// The SDP offer/answer model (RFC 3264) for one audio stream.
public enum SDPNegotiation {
    /// Answers `offer` with the first offered codec that `supported` contains, at our address and port.
    public static func answer(_ offer: SessionDescription, supported: [MediaCodec], address: String, port: UInt16)
        throws -> (answer: SessionDescription, media: NegotiatedMedia) {
        guard let audio = offer.audio, let endpoint = offer.audioEndpoint else { throw SDPNegotiationError.noAudioStream }
        guard let chosen = audio.formats.first(where: { $0.codec.map(supported.contains) ?? false }), let codec = chosen.codec else {
            throw SDPNegotiationError.noCommonCodec(offered: audio.formats.map { "\($0.encodingName)/\($0.clockRate)" },
                                                    supported: supported.map(\.encodingName))
        }
        let events = audio.formats.first { $0.isTelephoneEvent && $0.clockRate == codec.clockRate } ?? audio.telephoneEvent
        let direction = audio.direction.answering
        var formats = [chosen]
        if codec == .opus { formats[0].parameters = "useinbandfec=1" }
        if let events { formats.append(events) }
        let answer = SessionDescription(address: address, media: [MediaDescription(port: port, formats: formats, direction: direction)])
        let media = NegotiatedMedia(codec: codec, payloadType: chosen.payloadType, telephoneEventPayloadType: events?.payloadType,
                                    telephoneEventClockRate: events?.clockRate ?? 8000,
                                    remoteAddress: endpoint.address, remotePort: endpoint.port, direction: direction)
        return (answer, media)
    }

    /// What the offerer takes from the answer: the first answered codec we offered.
    public static func accept(answer: SessionDescription, offer: SessionDescription) throws -> NegotiatedMedia {
        guard let audio = answer.audio, let endpoint = answer.audioEndpoint, let offered = offer.audio else {
            throw SDPNegotiationError.noAudioStream
        }
        let ours = offered.formats.compactMap(\.codec)
        guard let chosen = audio.formats.first(where: { $0.codec.map(ours.contains) ?? false }), let codec = chosen.codec else {
            throw SDPNegotiationError.noCommonCodec(offered: audio.formats.map { "\($0.encodingName)/\($0.clockRate)" },
                                                    supported: ours.map(\.encodingName))
        }
        let events = audio.formats.first { $0.isTelephoneEvent && $0.clockRate == codec.clockRate } ?? audio.telephoneEvent
        return NegotiatedMedia(codec: codec, payloadType: chosen.payloadType, telephoneEventPayloadType: events?.payloadType,
                               telephoneEventClockRate: events?.clockRate ?? 8000,
                               remoteAddress: endpoint.address, remotePort: endpoint.port, direction: audio.direction.answering)
    }
}
