import Foundation
@testable import Telephony

/// A SIP client that writes requests byte for byte over UDP and reads what comes back: for tests
/// that need messages no well-behaved stack would send (torture messages, odd SDP) and headers a
/// `SIPPhone` does not show (Retry-After, Warning).
final class RawSIP: @unchecked Sendable {
    let socket: UDPSocket
    let server: UDPEndpoint

    init(serverPort: UInt16, serverAddress: String = "127.0.0.1", localAddress: String = "127.0.0.1") throws {
        socket = try UDPSocket(address: localAddress, port: 0)
        server = UDPEndpoint(address: serverAddress, port: serverPort)
    }

    var localPort: UInt16 { socket.local.port }
    var localAddress: String { socket.local.address }

    /// One response as received.
    struct Response: CustomStringConvertible {
        var text: String
        var status: Int {
            let parts = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
            return parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
        }
        static let compact = ["from": "f", "to": "t", "call-id": "i", "contact": "m", "via": "v", "content-type": "c", "content-length": "l"]

        /// The first header with this name (case-insensitive; its compact form counts too).
        func header(_ name: String) -> String? {
            let names: Set<String> = [name.lowercased(), Self.compact[name.lowercased()] ?? name.lowercased()]
            for line in text.components(separatedBy: "\r\n").dropFirst() {
                if line.isEmpty { break }
                guard let colon = line.firstIndex(of: ":") else { continue }
                if names.contains(line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()) {
                    return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        var body: String {
            guard let range = text.range(of: "\r\n\r\n") else { return "" }
            return String(text[range.upperBound...])
        }
        var description: String { text.prefix { $0 != "\r" }.description }
    }

    func send(_ bytes: [UInt8]) { socket.send(bytes, to: server) }
    func send(_ text: String) { send(Array(text.utf8)) }

    /// Responses until a final one (≥ 200) with this Call-ID (any Call-ID when nil) or `timeout`
    /// seconds; the final one, or nil when none came.
    func finalResponse(callID: String? = nil, timeout: Double = 3) -> Response? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var fds = [pollfd(fd: socket.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            while let (bytes, _) = socket.receive() {
                let response = Response(text: String(decoding: bytes, as: UTF8.self))
                guard response.text.hasPrefix("SIP/2.0 ") else { continue }  // a request (a BYE from serve): not ours to read here
                if let callID, response.header("Call-ID") != callID { continue }
                if response.status >= 200 { return response }
            }
        }
        return nil
    }

    /// A complete INVITE from this client with `sdp` as its body (none when nil).
    func invite(callID: String, sdp: String?, extraHeaders: [String] = []) -> String {
        let body = sdp ?? ""
        var lines = [
            "INVITE sip:agent@\(server.address):\(server.port) SIP/2.0",
            "Via: SIP/2.0/UDP \(localAddress):\(localPort);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
            "Max-Forwards: 70",
            "From: <sip:tester@\(localAddress)>;tag=\(UUID().uuidString.prefix(8))",
            "To: <sip:agent@\(server.address):\(server.port)>",
            "Call-ID: \(callID)",
            "CSeq: 1 INVITE",
            "Contact: <sip:tester@\(localAddress):\(localPort)>",
        ] + extraHeaders
        if sdp != nil { lines.append("Content-Type: application/sdp") }
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// Ends a call a 200 answered: ACK, then BYE (with the To tag the answer gave).
    func acknowledgeAndHangUp(invite: String, answer: Response) {
        guard let callID = answer.header("Call-ID") else { return }
        // The INVITE's CSeq number (a torture message may start anywhere).
        let number = Response(text: invite).header("CSeq").flatMap { Int($0.split(separator: " ").first ?? "") } ?? 1
        send(inDialog("ACK", invite: invite, answer: answer, cseq: number))
        send(inDialog("BYE", invite: invite, answer: answer, cseq: number + 1))
        _ = finalResponse(callID: callID, timeout: 2)
    }

    /// A request in the dialog a 200 to `invite` set up (with the To tag the answer gave), carrying
    /// `body` as `contentType` (no Content-Type header when nil).
    func inDialog(_ method: String, invite: String, answer: Response, cseq: Int, contentType: String? = nil, body: [UInt8] = []) -> [UInt8] {
        // (The request's own headers read as a response's would: its first line is skipped either way.)
        let from = Response(text: invite).header("From") ?? ""
        let target = answer.header("Contact").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<>")) } ?? "sip:agent@\(server.address):\(server.port)"
        let head = [
            "\(method) \(target) SIP/2.0",
            "Via: SIP/2.0/UDP \(localAddress):\(localPort);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
            "Max-Forwards: 70", "From: \(from)", "To: \(answer.header("To") ?? "")", "Call-ID: \(answer.header("Call-ID") ?? "")", "CSeq: \(cseq) \(method)",
        ] + (contentType.map { ["Content-Type: \($0)"] } ?? []) + ["Content-Length: \(body.count)"]
        return Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }
}

extension RawSIP {
    /// An OPTIONS from this client; true when it was answered 200 within `timeout`.
    func optionsAnswered(timeout: Double = 2) -> Bool {
        let callID = "options-\(UUID().uuidString)@test"
        send([
            "OPTIONS sip:agent@\(server.address):\(server.port) SIP/2.0",
            "Via: SIP/2.0/UDP \(localAddress):\(localPort);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
            "Max-Forwards: 70", "From: <sip:tester@\(localAddress)>;tag=o", "To: <sip:agent@\(server.address):\(server.port)>",
            "Call-ID: \(callID)", "CSeq: 1 OPTIONS", "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n")
        return finalResponse(callID: callID, timeout: timeout)?.status == 200
    }
}

/// The same over one TCP connection: SIP messages framed by Content-Length.
final class RawSIPStream {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(server: UDPEndpoint, localAddress: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SIPError.notRunning }
        var local = try UDPEndpoint(address: localAddress, port: 0).sockaddr()
        var remote = try server.sockaddr()
        let ok = withUnsafePointer(to: &local) { l in
            withUnsafePointer(to: &remote) { r in
                l.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } == 0
                    && r.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } == 0
            }
        }
        guard ok else { Glibc.close(fd); throw SIPError.notRunning }
    }

    deinit { Glibc.close(fd) }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    /// Responses until a final one or `timeout`; the final one.
    func finalResponse(timeout: Double = 2) -> RawSIP.Response? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            while let message = nextMessage() {
                let response = RawSIP.Response(text: message)
                if response.text.hasPrefix("SIP/2.0 "), response.status >= 200 { return response }
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }  // closed
            buffer += chunk[0..<n]
        }
        return nil
    }

    private func nextMessage() -> String? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4, let end = (0...(buffer.count - 4)).first(where: { Array(buffer[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        let length = RawSIP.Response(text: head).header("Content-Length").flatMap { Int($0) } ?? 0
        guard buffer.count >= end + 4 + length else { return nil }
        let message = String(decoding: buffer[0..<(end + 4 + length)], as: UTF8.self)
        buffer.removeFirst(end + 4 + length)
        return message
    }
}
