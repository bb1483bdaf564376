import Foundation
@testable import Telephony

/// A SIP client that writes requests byte for byte over UDP and reads what comes back: for tests
/// that need messages no well-behaved stack would send (torture messages, odd SDP) and headers a
/// `SIPPhone` does not show (Retry-After, Warning).
final class RawSIP: @unchecked Sendable {
    let socket: UDPSocket
    let server: UDPEndpoint

    init(serverPort: UInt16) throws {
        socket = try UDPSocket(address: "127.0.0.1", port: 0)
        server = UDPEndpoint(address: "127.0.0.1", port: serverPort)
    }

    var localPort: UInt16 { socket.local.port }

    /// One response as received.
    struct Response: CustomStringConvertible {
        var text: String
        var status: Int {
            let parts = text.prefix { $0 != "\r" && $0 != "\n" }.split(separator: " ")
            return parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
        }
        /// The first header with this name (case-insensitive, compact forms not expanded).
        func header(_ name: String) -> String? {
            for line in text.components(separatedBy: "\r\n").dropFirst() {
                if line.isEmpty { break }
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
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
                if let callID, response.header("Call-ID") ?? response.header("i") != callID { continue }
                if response.status >= 200 { return response }
            }
        }
        return nil
    }

    /// A complete INVITE from this client with `sdp` as its body (none when nil).
    func invite(callID: String, sdp: String?, extraHeaders: [String] = []) -> String {
        let body = sdp ?? ""
        var lines = [
            "INVITE sip:agent@127.0.0.1:\(server.port) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(localPort);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
            "Max-Forwards: 70",
            "From: <sip:tester@127.0.0.1>;tag=\(UUID().uuidString.prefix(8))",
            "To: <sip:agent@127.0.0.1:\(server.port)>",
            "Call-ID: \(callID)",
            "CSeq: 1 INVITE",
            "Contact: <sip:tester@127.0.0.1:\(localPort)>",
        ] + extraHeaders
        if sdp != nil { lines.append("Content-Type: application/sdp") }
        lines.append("Content-Length: \(body.utf8.count)")
        return lines.joined(separator: "\r\n") + "\r\n\r\n" + body
    }

    /// Ends a call a 200 answered: ACK, then BYE (with the To tag the answer gave).
    func acknowledgeAndHangUp(invite: String, answer: Response) {
        // (The request's own headers read as a response's would: its first line is skipped either way.)
        guard let to = answer.header("To"), let from = Response(text: invite).header("From"),
              let callID = answer.header("Call-ID") else { return }
        let target = answer.header("Contact").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<>")) } ?? "sip:agent@127.0.0.1:\(server.port)"
        for (method, cseq) in [("ACK", 1), ("BYE", 2)] {
            let request = [
                "\(method) \(target) SIP/2.0",
                "Via: SIP/2.0/UDP 127.0.0.1:\(localPort);branch=z9hG4bK-\(UUID().uuidString.prefix(12));rport",
                "Max-Forwards: 70", "From: \(from)", "To: \(to)", "Call-ID: \(callID)", "CSeq: \(cseq) \(method)", "Content-Length: 0",
            ].joined(separator: "\r\n") + "\r\n\r\n"
            send(request)
        }
        _ = finalResponse(callID: callID, timeout: 2)
    }
}
