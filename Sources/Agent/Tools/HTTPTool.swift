import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// POSTs the arguments as JSON to a URL and checks the JSON answer against the declared schema.
///
/// Header values come from environment variables, so secrets never sit in the agent file; so may
/// parts of the URL (`url: "${CARRIER_URL}/track"`), so one agent file serves every deployment.
/// One attempt per call; `ToolLayer` does the retries with backoff.
public struct HTTPTool: Tool {
    public let definition: ToolDefinition
    private let spec: HTTPToolSpec
    private let environment: [String: String]

    public init(definition: ToolDefinition, spec: HTTPToolSpec, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.definition = definition
        self.spec = spec
        self.environment = environment
    }

    public func call(_ arguments: JSONValue) async throws(ToolError) -> JSONValue {
        var request = HTTPClientRequest(url: try Self.expand(spec.url, environment: environment))
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (header, variable) in spec.headersFromEnv.sorted(by: { $0.key < $1.key }) {
            if let value = environment[variable] { request.headers.add(name: header, value: value) }
        }
        request.body = .bytes(ByteBuffer(string: arguments.jsonText))
        let body: ByteBuffer
        let status: HTTPResponseStatus
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(spec.timeout * 1000)))
            status = response.status
            body = try await response.body.collect(upTo: 4 << 20)
        } catch let error as HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) { throw .timeout(seconds: spec.timeout) }
            throw .unreachable(String(describing: error))
        } catch {
            throw .unreachable(String(describing: error))
        }
        guard (200..<300).contains(status.code) else { throw .httpStatus(Int(status.code)) }
        guard let value = JSONValue.parse(Data(body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [])) else {
            throw .malformedResponse("\(body.readableBytes) bytes that do not parse")
        }
        if let mismatch = JSONSchemaCheck.mismatch(value, schema: spec.response), !spec.response.isEmpty {
            throw .schemaMismatch(mismatch)
        }
        return value
    }

    /// Replaces each `${NAME}` in `url` with that environment variable; an unset one fails the call.
    static func expand(_ url: String, environment: [String: String]) throws(ToolError) -> String {
        var out = ""
        var rest = Substring(url)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[open.upperBound..<close])
            guard let value = environment[name], !value.isEmpty else {
                throw .unreachable("the URL needs the environment variable \(name), which is not set")
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
