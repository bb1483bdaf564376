import RingsideCore

/// An SDP body (RFC 4566) as far as a voice call needs it: origin, connection, audio streams.
///
/// `init(parsing:)` throws a `LocatedError` naming the SDP line and the problem; `text` renders
/// with CRLF line ends.
public struct SessionDescription: Sendable, Equatable {
    public var originUsername: String
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    /// The address in `o=` and the session-level `c=`.
    public var address: String
    public var sessionName: String
    public var media: [MediaDescription]

    public init(address: String, media: [MediaDescription], sessionID: UInt64 = UInt64.random(in: 1...UInt64(Int32.max)),
                sessionVersion: UInt64 = 1, originUsername: String = "ringside", sessionName: String = "Ringside") {
        self.address = address
        self.media = media
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.originUsername = originUsername
        self.sessionName = sessionName
    }

    /// The audio stream in use: the first with a port other than 0 (declined streams keep theirs at 0),
    /// else the first.
    public var audio: MediaDescription? { media.first { $0.media == "audio" && $0.port != 0 } ?? media.first { $0.media == "audio" } }

    /// The first audio stream's direction, reading the old way of holding (a null connection address,
    /// `c=IN IP4 0.0.0.0`, RFC 2543; RFC 3264 §8.4) as `inactive`.
    public var audioDirection: MediaDirection? {
        guard let a = audio else { return nil }
        return audioEndpoint?.address == "0.0.0.0" ? .inactive : a.direction
    }

    /// Where the first audio stream's RTP goes (its own `c=` or the session's).
    public var audioEndpoint: (address: String, port: UInt16)? {
        guard let a = audio else { return nil }
        return (a.connectionAddress ?? address, a.port)
    }

    /// A typical Ringside offer: the codecs in preference order plus telephone-event/8000 (and /48000 beside Opus).
    public static func offer(address: String, port: UInt16, codecs: [MediaCodec] = [.opus, .pcmu, .pcma],
                             direction: MediaDirection = .sendrecv) -> SessionDescription {
        var formats = codecs.map(PayloadFormat.offered) + [PayloadFormat.telephoneEvent()]
        if codecs.contains(.opus) { formats.append(PayloadFormat.telephoneEvent(payloadType: 110, clockRate: 48000)) }
        return SessionDescription(address: address, media: [MediaDescription(port: port, formats: formats, direction: direction)])
    }

    // MARK: Rendering

    /// The body with CRLF line ends.
    public var text: String {
        var lines = [
            "v=0",
            "o=\(originUsername) \(sessionID) \(sessionVersion) IN \(Self.addressType(address)) \(address)",
            "s=\(sessionName)",
            "c=IN \(Self.addressType(address)) \(address)",
            "t=0 0",
        ]
        for m in media {
            if m.port == 0 {
                // A declined stream: its m= line alone (RFC 3264 §6).
                lines.append("m=\(m.media) 0 \(m.transport) " + m.formatTokens.joined(separator: " "))
                continue
            }
            lines.append("m=\(m.media) \(m.port) \(m.transport) " + m.formats.map { String($0.payloadType) }.joined(separator: " "))
            if let c = m.connectionAddress { lines.append("c=IN \(Self.addressType(c)) \(c)") }
            for f in m.formats {
                lines.append("a=rtpmap:\(f.payloadType) \(f.encodingName)/\(f.clockRate)" + (f.channels > 1 ? "/\(f.channels)" : ""))
                if let p = f.parameters { lines.append("a=fmtp:\(f.payloadType) \(p)") }
            }
            if let p = m.ptime { lines.append("a=ptime:\(p)") }
            lines += m.otherAttributes.map { "a=" + $0 }
            lines.append("a=\(m.direction.rawValue)")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func addressType(_ address: String) -> String { address.contains(":") ? "IP6" : "IP4" }

    // MARK: Parsing

    /// Parses an SDP body; `source` names it in errors (e.g. "INVITE from alice").
    public init(parsing text: String, source: String = "SDP") throws {
        func fail(_ line: Int, _ field: String, _ problem: String, _ fix: String? = nil) -> LocatedError {
            LocatedError(SourceLocation(file: source, line: line), field: field, problem: problem, suggestion: fix)
        }
        var origin: (String, UInt64, UInt64, String)?
        var sessionAddress: String?
        var name = "-"
        var streams: [MediaDescription] = []
        var sessionDirection = MediaDirection.sendrecv
        var sawVersion = false
        var rtpmaps: [[UInt8: PayloadFormat]] = []
        var fmtps: [[UInt8: String]] = []
        var directionSet: [Bool] = []

        let rawLines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, raw) in rawLines.enumerated() {
            let lineNo = index + 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { continue }
            guard line.count >= 2, line.dropFirst().first == "=", let type = line.first, type.isLetter else {
                throw fail(lineNo, "line", "\"\(line.prefix(40))\" is not of the form x=value", "each SDP line is one letter, '=', then the value")
            }
            let value = String(line.dropFirst(2))
            if !sawVersion {
                guard type == "v" else { throw fail(lineNo, "v=", "SDP must start with v=0") }
                guard value == "0" else { throw fail(lineNo, "v=", "unsupported SDP version \"\(value)\"", "only v=0 exists") }
                sawVersion = true
                continue
            }
            let inMedia = !streams.isEmpty
            // What Ringside cannot read in a stream it will not use (video, non-RTP, port 0) is skipped, not an error.
            let ignorable = inMedia && (streams[streams.count - 1].media != "audio" || !streams[streams.count - 1].isPlainRTP
                                        || streams[streams.count - 1].port == 0)
            do {
            switch type {
            case "o":
                let f = value.split(separator: " ")
                guard f.count == 6, let id = UInt64(f[1]), let ver = UInt64(f[2]) else {
                    throw fail(lineNo, "o=", "origin needs 6 fields: username sess-id sess-version IN IP4 address")
                }
                origin = (String(f[0]), id, ver, String(f[5]))
            case "s":
                name = value
            case "c":
                let f = value.split(separator: " ")
                guard f.count == 3, f[0] == "IN", f[1] == "IP4" || f[1] == "IP6" else {
                    throw fail(lineNo, "c=", "connection must be \"IN IP4 address\" or \"IN IP6 address\"")
                }
                let addr = String(f[2].split(separator: "/").first ?? f[2])
                if inMedia { streams[streams.count - 1].connectionAddress = addr } else { sessionAddress = addr }
            case "m":
                let f = value.split(separator: " ")
                guard f.count >= 4 else { throw fail(lineNo, "m=", "media needs: media port proto format...") }
                guard let port = UInt16(f[1].split(separator: "/").first ?? "") else {
                    throw fail(lineNo, "m=", "port \"\(f[1])\" is not a number from 0 to 65535")
                }
                var formats: [PayloadFormat] = []
                for fmt in f[3...] {
                    guard let pt = UInt8(fmt), pt < 128 else {
                        if f[2].hasPrefix("RTP/") && f[0] == "audio" { throw fail(lineNo, "m=", "payload type \"\(fmt)\" is not 0–127") }
                        continue
                    }
                    formats.append(PayloadFormat.staticFormat(pt) ?? PayloadFormat(payloadType: pt, encodingName: "", clockRate: 0))
                }
                var stream = MediaDescription(media: String(f[0]), port: port, transport: String(f[2]), formats: formats,
                                              ptime: nil, direction: sessionDirection)
                stream.formatTokens = f[3...].map(String.init)
                streams.append(stream)
                rtpmaps.append([:])
                fmtps.append([:])
                directionSet.append(false)
            case "a":
                let (attr, arg) = Self.splitAttribute(value)
                if let dir = MediaDirection(rawValue: attr) {
                    if inMedia {
                        streams[streams.count - 1].direction = dir
                        directionSet[directionSet.count - 1] = true
                    } else {
                        sessionDirection = dir
                    }
                    continue
                }
                guard inMedia else { continue }
                let m = streams.count - 1
                switch attr {
                case "rtpmap":
                    guard let arg, let space = arg.firstIndex(of: " "), let pt = UInt8(arg[..<space]) else {
                        throw fail(lineNo, "a=rtpmap", "expected \"a=rtpmap:PT NAME/RATE[/CHANNELS]\"")
                    }
                    let enc = arg[arg.index(after: space)...].split(separator: "/")
                    guard enc.count >= 2, let rate = Int(enc[1]), rate > 0 else {
                        throw fail(lineNo, "a=rtpmap", "encoding \"\(arg[arg.index(after: space)...])\" needs NAME/RATE")
                    }
                    let channels = enc.count > 2 ? Int(enc[2]) ?? 1 : 1
                    rtpmaps[m][pt] = PayloadFormat(payloadType: pt, encodingName: String(enc[0]), clockRate: rate, channels: channels)
                case "fmtp":
                    guard let arg, let space = arg.firstIndex(of: " "), let pt = UInt8(arg[..<space]) else {
                        throw fail(lineNo, "a=fmtp", "expected \"a=fmtp:PT parameters\"")
                    }
                    fmtps[m][pt] = String(arg[arg.index(after: space)...])
                case "ptime":
                    guard let arg, let p = Int(arg), p > 0 else { throw fail(lineNo, "a=ptime", "ptime must be a positive number of ms") }
                    streams[m].ptime = p
                default:
                    streams[m].otherAttributes.append(value)
                }
            case "v":
                throw fail(lineNo, "v=", "a second v= line starts another session description")
            default:
                continue  // t=, b=, i=, u=, e=, p=, k=, r=, z=: not needed for a call
            }
            } catch where ignorable && type != "m" {
                continue
            }
        }
        guard sawVersion else { throw fail(1, "v=", "the SDP body is empty") }
        guard let origin else { throw fail(rawLines.count, "o=", "no origin line") }
        for i in streams.indices {
            if !directionSet[i] { streams[i].direction = sessionDirection }
            streams[i].formats = streams[i].formats.map { f in
                var out = rtpmaps[i][f.payloadType] ?? f
                out.parameters = fmtps[i][f.payloadType]
                return out
            }
            if streams[i].connectionAddress == nil && sessionAddress == nil && streams[i].media == "audio" && streams[i].port != 0 {
                throw fail(rawLines.count, "c=", "media stream \(i + 1) has no connection address")
            }
        }
        originUsername = origin.0
        sessionID = origin.1
        sessionVersion = origin.2
        address = sessionAddress ?? origin.3
        sessionName = name
        media = streams
    }

    private static func splitAttribute(_ value: String) -> (String, String?) {
        guard let colon = value.firstIndex(of: ":") else { return (value, nil) }
        return (String(value[..<colon]), String(value[value.index(after: colon)...]))
    }
}
