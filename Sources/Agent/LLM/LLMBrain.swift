import Foundation
import RingsideCore

/// A brain backed by an OpenAI-compatible chat server. The agent's tools are offered as functions
/// and run through the same `ToolLayer` (approval, audit, redaction) as the intent engine's.
///
/// Streams by default and hands each finished sentence to `onSentence` at once, so TTS can start
/// before the model has finished.
public actor LLMBrain: Brain {
    private let agent: AgentDefinition
    private let client: ChatCompletionClient
    private let tools: ToolLayer
    private let tracer: CallTracer
    private let onSentence: (@Sendable (String) -> Void)?
    private var messages: [JSONValue]
    private let functionSchemas: [JSONValue]

    public init(agent: AgentDefinition, settings: LLMSettings, tools: ToolLayer, tracer: CallTracer, environment: [String: String], onSentence: (@Sendable (String) -> Void)? = nil) {
        self.agent = agent
        client = ChatCompletionClient(settings: settings, apiKey: settings.apiKeyEnv.flatMap { environment[$0] })
        self.tools = tools
        self.tracer = tracer
        self.onSentence = onSentence
        functionSchemas = LLMBrain.schemas(agent)
        messages = [["role": "system", "content": .string(LLMBrain.systemPrompt(agent))]]
    }

    public func checkpoint() async -> BrainCheckpoint? { BrainCheckpoint(messages) }

    public func restore(_ checkpoint: BrainCheckpoint) async {
        if let m = checkpoint.state as? [JSONValue] { messages = m }
    }

    static func systemPrompt(_ agent: AgentDefinition) -> String {
        var lines = [
            "You are the phone agent for \(agent.name). Keep replies short and speakable: one or two sentences, no lists or markup.",
            "The caller already heard: \"\(agent.disclosure) \(agent.greeting)\"",
            "You can help with: " + agent.intents.map(\.description).joined(separator: "; ") + ".",
            "Before any tool that changes something, read the details back and get a clear yes.",
            "If the caller asks for a human, call transfer_to_human.",
        ]
        if let date = agent.referenceDate { lines.append("Today is \(date).") }
        return lines.joined(separator: "\n")
    }

    /// The function the model calls to hand the caller to a human (not a tool of the agent file).
    static let transferFunction = "transfer_to_human"

    /// The agent's tools as OpenAI function schemas, plus the transfer to a human.
    static func schemas(_ agent: AgentDefinition) -> [JSONValue] {
        let transfer: JSONValue = [
            "type": "function",
            "function": [
                "name": .string(transferFunction),
                "description": "Hand the call to a human colleague when the caller asks for one or you cannot help.",
                "parameters": ["type": "object", "properties": ["reason": ["type": "string", "description": "why, in a few words"]], "required": ["reason"]],
            ],
        ]
        return [transfer] + agent.tools.keys.sorted().compactMap { name -> JSONValue? in
            guard let tool = agent.tools[name] else { return nil }
            var properties: [String: JSONValue] = [:]
            var required: [JSONValue] = []
            var parameterNames = tool.parameters.keys.sorted()
            if parameterNames.isEmpty, case .sql(let spec) = tool.kind { parameterNames = spec.placeholders }
            for parameter in parameterNames {
                let declared = tool.parameters[parameter]
                properties[parameter] = ["type": .string(declared?.type ?? "string"), "description": .string(declared?.description ?? parameter)]
                required.append(.string(parameter))
            }
            return [
                "type": "function",
                "function": [
                    "name": .string(name),
                    "description": .string(tool.description.isEmpty ? name : tool.description),
                    "parameters": ["type": "object", "properties": .object(properties), "required": .array(required)],
                ],
            ]
        }
    }

    public func note(_ note: ContextNote) async {
        switch note {
        case .partiallyHeard(_, let heard):
            // Only what the caller heard stays in the conversation.
            if let last = messages.indices.last, messages[last]["role"] == "assistant" {
                messages[last] = ["role": "assistant", "content": .string(heard)]
            }
        case .operatorSaid(let line):
            messages.append(["role": "assistant", "content": .string("(human colleague) \(line)")])
        case .callerSaidToOperator(let line):
            messages.append(["role": "user", "content": .string(line)])
        case .handedBack:
            messages.append(["role": "system", "content": "The human colleague handed the call back to you. Continue from the conversation above."])
        }
    }

    /// Adds a turn answered elsewhere (by the intent engine) so the model keeps the whole conversation.
    func record(user: String, assistant: String) {
        messages.append(["role": "user", "content": .string(user)])
        messages.append(["role": "assistant", "content": .string(assistant)])
    }

    public func respond(to input: CallerInput) async -> BrainTurn {
        switch input {
        case .callStarted:
            let sentences = SentenceSplitter.split(agent.disclosure) + SentenceSplitter.split(agent.greeting)
            messages.append(["role": "assistant", "content": .string(sentences.joined(separator: " "))])
            return BrainTurn(sentences: sentences, path: AnswerPath(.llm, reason: "greeting with disclosure"))
        case .utterance(let text, _):
            do {
                return try await complete(text)
            } catch {
                return BrainTurn(sentences: ["Sorry, I'm having trouble right now.", agent.escalation.say], path: AnswerPath(.llm, reason: "\(error)"))
            }
        }
    }

    /// One caller turn through the model, running tool rounds until it answers in words.
    /// On failure the conversation is left as it was, so a fallback brain can answer instead.
    func complete(_ text: String) async throws(LLMError) -> BrainTurn {
        let checkpoint = messages.count
        messages.append(["role": "user", "content": .string(text)])
        let result = await runRounds()
        switch result {
        case .success(let turn):
            return turn
        case .failure(let error):
            messages.removeSubrange(checkpoint...)
            throw error
        }
    }

    /// One model request; a stream that ends without `[DONE]` is asked again unstreamed
    /// (llama-cpp-python answers 200 with an empty body when the model picks a tool).
    private func request(streamed: inout [String], splitter: inout SentenceSplitter) async -> Result<ChatCompletionClient.Reply, LLMError> {
        let schemas = functionSchemas
        let history = messages
        let sentenceHandler = onSentence
        if client.settings.stream {
            var pieces: [String] = []
            var local = SentenceSplitter()
            let streamedResult: Result<ChatCompletionClient.Reply, LLMError>
            do {
                streamedResult = .success(try await client.stream(messages: history, tools: schemas) { piece in
                    for sentence in local.feed(piece) {
                        pieces.append(sentence)
                        sentenceHandler?(sentence)
                    }
                })
            } catch {
                streamedResult = .failure(error)
            }
            if case .failure(.incompleteStream) = streamedResult {
                // Nothing of an incomplete stream is kept.
            } else {
                streamed = pieces
                splitter = local
                return streamedResult
            }
        }
        do {
            return .success(try await client.complete(messages: history, tools: schemas))
        } catch {
            return .failure(error)
        }
    }

    private func runRounds() async -> Result<BrainTurn, LLMError> {
        var traces: [ToolCallTrace] = []
        for _ in 0..<4 {
            var splitter = SentenceSplitter()
            var streamed: [String] = []
            let reply: ChatCompletionClient.Reply
            switch await request(streamed: &streamed, splitter: &splitter) {
            case .success(let r): reply = r
            case .failure(let error): return .failure(error)
            }
            if let transfer = reply.toolCalls.first(where: { $0.name == LLMBrain.transferFunction }) {
                let reason = JSONValue.parse(transfer.arguments)?["reason"]?.stringValue ?? "the LLM transferred the caller"
                let handoff = handoff(reason: reason)
                tracer.emit(.escalated(summary: handoff.summary, target: handoff.target), stage: .policy)
                let sentences = SentenceSplitter.split(agent.escalation.say)
                sentences.forEach { onSentence?($0) }
                messages.append(["role": "assistant", "content": .string(sentences.joined(separator: " "))])
                return .success(BrainTurn(sentences: sentences, toolCalls: traces, path: AnswerPath(.llm, reason: "transfer to a human"), handoff: handoff))
            }
            if reply.toolCalls.isEmpty {
                let rest = streamed.isEmpty ? SentenceSplitter.split(reply.content) : splitter.finish()
                rest.forEach { onSentence?($0) }
                messages.append(["role": "assistant", "content": .string(reply.content)])
                return .success(BrainTurn(sentences: streamed + rest, toolCalls: traces, expects: .open, intent: nil, confidence: 1, path: AnswerPath(.llm)))
            }
            // Assistant messages carrying tool_calls need "content": "" for llama-cpp-python.
            messages.append([
                "role": "assistant", "content": "",
                "tool_calls": .array(reply.toolCalls.map { call in
                    ["id": .string(call.id), "type": "function", "function": ["name": .string(call.name), "arguments": .string(call.arguments)]]
                }),
            ])
            for call in reply.toolCalls {
                let arguments = JSONValue.parse(call.arguments) ?? .object([:])
                let outcome = await tools.invoke(call.name, arguments: arguments)
                let result: JSONValue
                switch outcome {
                case .success(let value): result = value
                case .failed(let error, let fallback, _): result = ["error": .string(error.description), "say": .string(fallback)]
                case .denied(let decision): result = ["error": .string(decision == .timedOut ? "approval timed out; nothing was done" : "approval denied; nothing was done")]
                }
                traces.append(ToolCallTrace(invocation: call.id, tool: call.name, arguments: tracer.redactor.redact(call.arguments), result: tracer.redactor.redact(result.jsonText)))
                messages.append(["role": "tool", "tool_call_id": .string(call.id), "name": .string(call.name), "content": .string(result.jsonText)])
            }
        }
        return .failure(.tooManyToolRounds)
    }

    private func handoff(reason: String) -> Handoff {
        Handoff(reason: reason, callerID: nil, intent: nil, slots: [:], done: [], target: agent.escalation.target)
    }
}
