import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Talks to an OpenAI-compatible `/v1/chat/completions` endpoint, streamed (SSE) or not.
///
/// Handles the known quirks of llama-cpp-python's server: a stream that ends without `[DONE]`
/// (it sends HTTP 200 and an empty body when the model picks a tool) is an error the caller retries
/// unstreamed, and streamed tool-call chunks that repeat id and name are merged by index.
struct ChatCompletionClient: Sendable {
    /// One tool call the model asked for.
    struct ToolCall: Sendable, Equatable {
        var id: String
        var name: String
        var arguments: String
    }

    /// The model's answer: text, tool calls, or both.
    struct Reply: Sendable, Equatable {
        var content: String
        var toolCalls: [ToolCall]
    }

    let settings: LLMSettings
    let apiKey: String?

    var endpoint: String {
        var base = settings.url
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/chat/completions") ? base : base + "/chat/completions"
    }

    func body(messages: [JSONValue], tools: [JSONValue], stream: Bool, toolChoice: JSONValue = "auto") -> JSONValue {
        var object: [String: JSONValue] = [
            "model": .string(settings.model), "messages": .array(messages), "stream": .bool(stream),
            "temperature": .number(settings.temperature), "max_tokens": .number(Double(settings.maxTokens)),
        ]
        if !tools.isEmpty {
            object["tools"] = .array(tools)
            object["tool_choice"] = toolChoice
        }
        return .object(object)
    }

    private func request(_ body: JSONValue) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(string: body.jsonText))
        return request
    }

    private func send(_ body: JSONValue, timeout: Double) async throws(LLMError) -> HTTPClientResponse {
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request(body), timeout: .milliseconds(Int64(max(0.001, timeout) * 1000)))
        } catch let error as HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) { throw .timeout }
            throw .unreachable(String(describing: error))
        } catch {
            throw .unreachable(String(describing: error))
        }
        guard (200..<300).contains(response.status.code) else {
            // The server's words say why (llama-cpp-python: "Automatic streaming tool choice is not supported").
            let buffer = try? await response.body.collect(upTo: 64 << 10)
            let text = buffer.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? ""
            throw .status(Int(response.status.code), String(text.prefix(300)))
        }
        return response
    }

    /// One unstreamed completion.
    func complete(messages: [JSONValue], tools: [JSONValue], timeout: Double, toolChoice: JSONValue = "auto") async throws(LLMError) -> Reply {
        let response = try await send(body(messages: messages, tools: tools, stream: false, toolChoice: toolChoice), timeout: timeout)
        let buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: 8 << 20)
        } catch {
            throw .unreachable(String(describing: error))
        }
        let bytes = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let json = JSONValue.parse(Data(bytes)), let message = json["choices"]?.arrayValue?.first?["message"] else {
            throw .malformed("no choices[0].message in the response")
        }
        let calls = (message["tool_calls"]?.arrayValue ?? []).enumerated().map { i, call in
            ToolCall(id: call["id"]?.stringValue ?? "call_\(i)", name: call["function"]?["name"]?.stringValue ?? "",
                     arguments: call["function"]?["arguments"]?.stringValue ?? "{}")
        }
        return Reply(content: message["content"]?.stringValue ?? "", toolCalls: calls)
    }

    /// A streamed completion; `onText` gets each content delta as it arrives.
    func stream(messages: [JSONValue], tools: [JSONValue], timeout: Double, toolChoice: JSONValue = "auto", onText: (String) -> Void) async throws(LLMError) -> Reply {
        let response = try await send(body(messages: messages, tools: tools, stream: true, toolChoice: toolChoice), timeout: timeout)
        var parser = SSEParser()
        var content = ""
        var calls: [Int: ToolCall] = [:]
        var sawDone = false
        do {
            for try await chunk in response.body {
                let text = String(decoding: chunk.readableBytesView, as: UTF8.self)
                for event in parser.feed(text) {
                    if event == "[DONE]" { sawDone = true; continue }
                    guard let json = JSONValue.parse(event), let delta = json["choices"]?.arrayValue?.first?["delta"] else { continue }
                    if let piece = delta["content"]?.stringValue, !piece.isEmpty {
                        content += piece
                        onText(piece)
                    }
                    for (position, call) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                        let index = call["index"]?.doubleValue.map { Int($0) } ?? position
                        var merged = calls[index] ?? ToolCall(id: "", name: "", arguments: "")
                        // Some servers repeat id and name in every chunk: keep the first, never concatenate.
                        if merged.id.isEmpty, let id = call["id"]?.stringValue { merged.id = id }
                        if merged.name.isEmpty, let name = call["function"]?["name"]?.stringValue { merged.name = name }
                        if let arguments = call["function"]?["arguments"]?.stringValue { merged.arguments += arguments }
                        calls[index] = merged
                    }
                }
            }
        } catch {
            throw .unreachable(String(describing: error))
        }
        guard sawDone else { throw .incompleteStream }
        // Ids must be unique in the conversation: a server that gives every call the same id (or none)
        // gets ids of our own, or the tool results could not be told apart.
        var seen = Set<String>()
        let ordered = calls.keys.sorted().compactMap { calls[$0] }.enumerated().map { i, call in
            let id = call.id.isEmpty || seen.contains(call.id) ? "call_\(i)" : call.id
            seen.insert(id)
            return ToolCall(id: id, name: call.name, arguments: call.arguments.isEmpty ? "{}" : call.arguments)
        }
        return Reply(content: content, toolCalls: ordered)
    }
}

/// Why the LLM could not answer; the hybrid brain falls back to the intent engine on any of these.
enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreachable(String)
    case timeout
    case status(Int, String)
    case malformed(String)
    /// The stream ended without `[DONE]` (llama-cpp-python does this when the model picks a tool).
    case incompleteStream
    case tooManyToolRounds
    /// The model answered with neither words nor a tool call.
    case emptyReply
    /// The model's tool-call arguments are not a JSON object, even after it was told so once.
    case unparseableArguments(tool: String, why: String)
    /// The turn took longer than the settings' `turn_budget`.
    case overBudget(seconds: Double)

    var description: String {
        switch self {
        case .unreachable(let why): return "LLM server unreachable: \(why)"
        case .timeout: return "LLM server timed out"
        case .status(let code, let body): return "LLM server answered HTTP \(code)" + (body.isEmpty ? "" : ": \(body)")
        case .malformed(let why): return "LLM response malformed: \(why)"
        case .incompleteStream: return "LLM stream ended without [DONE]"
        case .tooManyToolRounds: return "LLM kept calling tools without answering"
        case .emptyReply: return "LLM gave an empty reply with no tool call"
        case .unparseableArguments(let tool, let why): return "LLM's arguments for \(tool) do not parse: \(why)"
        case .overBudget(let seconds): return "LLM turn took longer than its budget of \(String(format: "%g", seconds)) s"
        }
    }
}

/// What each server (by endpoint) has shown it cannot do, remembered for the life of the process:
/// llama-cpp-python cannot stream a reply when tools are offered and the model may pick one (it
/// answers an empty body, or an error naming streaming); once seen, requests offering tools to
/// that server go unstreamed from the start instead of failing first every turn.
enum ServerQuirks {
    private static let noStreamedToolChoice = Mutex<Set<String>>([])

    static func streamsToolChoice(_ endpoint: String) -> Bool {
        !noStreamedToolChoice.withLock { $0.contains(endpoint) }
    }

    static func cannotStreamToolChoice(_ endpoint: String) {
        _ = noStreamedToolChoice.withLock { $0.insert(endpoint) }
    }

    /// Whether a failed streamed request with tools shows the server cannot stream a tool choice.
    static func showsNoStreamedToolChoice(_ error: LLMError) -> Bool {
        switch error {
        case .incompleteStream: return true
        case .status(let code, let body): return code >= 400 && body.lowercased().contains("stream")
        default: return false
        }
    }
}

/// Splits a server-sent-events byte stream into `data:` payloads.
struct SSEParser: Sendable {
    private var buffer = ""

    mutating func feed(_ text: String) -> [String] {
        buffer += text
        var out: [String] = []
        while let newline = buffer.firstIndex(of: "\n") {
            var line = String(buffer[..<newline])
            buffer = String(buffer[buffer.index(after: newline)...])
            if line.hasSuffix("\r") { line.removeLast() }
            guard line.hasPrefix("data:") else { continue }
            out.append(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
        }
        return out
    }
}
