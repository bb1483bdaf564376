import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that answers every request with one
/// scripted response: what a scenario's `services:` entry stands up for an agent's HTTP tool, so a
/// failing (or working) endpoint is exercised over a real socket, never beyond loopback.
public final class LoopbackHTTPService: Sendable {
    /// What every request gets back.
    public struct Response: Sendable, Equatable {
        public var status: Int
        /// JSON text.
        public var body: String

        public init(status: Int = 200, body: String = "{}") {
            self.status = status
            self.body = body
        }
    }

    public let port: Int
    public let response: Response
    private let socket: Int32
    private let received = Mutex<[String]>([])
    private let receivedBodies = Mutex<[String]>([])

    /// Base URL, e.g. `http://127.0.0.1:40123`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Request lines ("POST /track") in arrival order.
    public var requests: [String] { received.withLock { $0 } }

    /// The requests' bodies, in the same order.
    public var bodies: [String] { receivedBodies.withLock { $0 } }

    public init(response: Response) throws {
        self.response = response
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("cannot open a socket for a loopback service (errno \(errno))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1 for a loopback service (errno \(errno))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        socket = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "ringside.loopback-http"
        thread.start()
    }

    /// Stops accepting; the accept thread ends.
    public func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func acceptLoop() {
        while true {
            let client = accept(socket, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            serve(client)
            close(client)
        }
    }

    /// Reads one request (headers and a Content-Length body) and writes the scripted answer.
    private func serve(_ client: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(client, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = end + 4
                let head = String(decoding: data[0..<end], as: UTF8.self)
                for line in head.split(separator: "\r\n") {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let headerEnd, data.count >= headerEnd + contentLength { break }
        }
        let firstLine = String(decoding: data.prefix { $0 != 13 }, as: UTF8.self)
        let requestLine = firstLine.split(separator: " ").prefix(2).joined(separator: " ")
        received.withLock { $0.append(requestLine) }
        receivedBodies.withLock { $0.append(String(decoding: data[min(headerEnd ?? data.count, data.count)...], as: UTF8.self)) }
        let body = Array(response.body.utf8)
        let head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            sent += n
        }
    }

    private static func find(_ needle: [UInt8], in data: [UInt8]) -> Int? {
        guard data.count >= needle.count else { return nil }
        for i in 0...(data.count - needle.count) where Array(data[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}
