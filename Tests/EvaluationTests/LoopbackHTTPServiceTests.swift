import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import Evaluation

/// The loopback server a scenario's `services:` stands up: a real socket on 127.0.0.1 answering
/// every request with the scripted status and body, and logging what it was asked.
struct LoopbackHTTPServiceTests {
    @Test func answersEveryRequestWithTheScriptedResponse() async throws {
        let service = try LoopbackHTTPService(response: .init(status: 503, body: #"{"error": "maintenance"}"#))
        defer { service.stop() }
        #expect(service.url.hasPrefix("http://127.0.0.1:"))
        #expect(service.port > 0)
        for path in ["/track", "/other"] {
            var request = URLRequest(url: try #require(URL(string: service.url + path)))
            request.httpMethod = "POST"
            request.httpBody = Data(#"{"order_id": 10428}"#.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 503)
            #expect(String(decoding: data, as: UTF8.self) == #"{"error": "maintenance"}"#)
        }
        #expect(service.requests == ["POST /track", "POST /other"])
    }
}
