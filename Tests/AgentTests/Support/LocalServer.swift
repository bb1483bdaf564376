import Foundation

/// A small HTTP server on 127.0.0.1 (Python's http.server in a subprocess) for tool-fault and LLM tests.
///
/// `/tool/ok|slow|500|malformed|schema` behave as named; `/v1/chat/completions` replays the queued
/// responses in order (the i-th after `delays[i]` seconds, when given); every request is logged to a file that `log()` reads.
final class LocalServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let folder: URL
    private let logURL: URL
    private let input = Pipe()

    static let script = #"""
import json, os, sys, time, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

queue = json.load(open(sys.argv[1]))
lock = threading.Lock()
counts = {}
bodies = []

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def send(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
    def do_GET(self):
        with lock:
            self.send(200, json.dumps({"counts": counts, "bodies": bodies}))
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            bodies.append({"path": self.path, "body": body, "auth": self.headers.get("X-Api-Key", "")})
            with open(sys.argv[2], "w") as f:
                json.dump({"counts": counts, "bodies": bodies}, f)
        if self.path == "/tool/ok":
            self.send(200, json.dumps({"eta": "2026-03-05", "carrier": "Speedy"}))
        elif self.path == "/tool/slow":
            time.sleep(3)
            self.send(200, json.dumps({"eta": "late", "carrier": "Slow"}))
        elif self.path == "/tool/500":
            self.send(500, json.dumps({"error": "boom"}))
        elif self.path == "/tool/malformed":
            self.send(200, "{not json")
        elif self.path == "/tool/schema":
            self.send(200, json.dumps({"eta": 5}))
        elif self.path.endswith("/chat/completions"):
            with lock:
                reply = queue.pop(0) if queue else {"status": 500, "body": "{}"}
            if reply.get("delay"):
                time.sleep(reply["delay"])
            self.send(reply["status"], reply["body"], reply.get("type", "application/json"))
        else:
            self.send(404, "{}")

def watchdog():
    # The test holds our stdin open; when it closes it (or dies), we go too.
    sys.stdin.read()
    os._exit(0)

threading.Thread(target=watchdog, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""#

    /// Starts the server; `replies` are the chat-completion responses to play in order.
    init(replies: [(status: Int, body: String, type: String)] = [], delays: [Int: Double] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scriptURL = folder.appendingPathComponent("server.py")
        try LocalServer.script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let queue = replies.enumerated().map { i, reply in
            ["status": reply.status, "body": reply.body, "type": reply.type, "delay": delays[i] ?? 0] as [String: Any]
        }
        let queueURL = folder.appendingPathComponent("queue.json")
        try JSONSerialization.data(withJSONObject: queue).write(to: queueURL)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        logURL = folder.appendingPathComponent("log.json")
        process.arguments = ["python3", scriptURL.path, queueURL.path, logURL.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        // Never share the test runner's stderr: a child holding it open keeps `swift test` waiting.
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is the port the server bound.
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown)
        }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// Requests per path and bodies, as the server saw them.
    func log() throws -> (counts: [String: Int], bodies: [[String: String]]) {
        guard let data = try? Data(contentsOf: logURL) else { return ([:], []) }
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (json["counts"] as? [String: Int] ?? [:], json["bodies"] as? [[String: String]] ?? [])
    }

    func stop() {
        // Closing stdin ends the server (it may run under a launcher shim that SIGTERM would not reach).
        // No waitUntilExit: on Linux it can stall an async test for many seconds.
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }
}
