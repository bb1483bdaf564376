import Foundation
import RingsideCore

/// A brain backed by an OpenAI-compatible chat server, safe before it is smart: the model is
/// offered only the tools the agent file marks `llm: true`; every call it makes is checked (its
/// arguments parse, fit the tool's parameters and pass the tool's `requires` database checks) before
/// anything runs; a tool that writes runs only after the caller said yes to a read-back (the agent
/// file's own confirmation), and then through the same `ToolLayer` (approval, audit, redaction) as
/// the intent engine's. A turn that gives nothing to say, arguments that do not parse twice, or a turn
/// past its time budget is an `LLMError`, for the hybrid brain to answer with the intent engine.
///
/// Streams by default and hands each finished sentence to `onSentence` at once, so TTS can start
/// before the model has finished.
public actor LLMBrain: Brain {
    /// A change the model asked for, read back to the caller, waiting for their yes.
    struct PendingWrite: Sendable {
        var tool: String
        var arguments: JSONValue
        var readBack: ReadBack
    }

    /// Everything the brain remembers of the call.
    struct State {
        var messages: [JSONValue]
        var pendingWrite: PendingWrite?
        var bindings: [String: JSONValue]
        var actions: [String]
    }

    private let agent: AgentDefinition
    private let client: ChatCompletionClient
    private let tools: ToolLayer
    private let tracer: CallTracer
    private let onSentence: (@Sendable (String) -> Void)?
    /// Values the call itself knows, by template name (`today`): see `filledByCall`.
    private let callValues: [String: String]
    private var messages: [JSONValue]
    private let functionSchemas: [JSONValue]
    private var pendingWrite: PendingWrite?
    /// Read tools' results under the names the flow binds them to (`patient`), for read-backs.
    private var bindings: [String: JSONValue] = [:]
    /// Changes made at the LLM's request ("book_slot {…}"), for the handoff and caller memory.
    private(set) var actions: [String] = []
    /// Tools run during the last turn that failed, so a fallback answer still shows them.
    private(set) var failedTurnTraces: [ToolCallTrace] = []

    public init(agent: AgentDefinition, settings: LLMSettings, tools: ToolLayer, tracer: CallTracer, environment: [String: String], today: CalendarDay,
                onSentence: (@Sendable (String) -> Void)? = nil) {
        self.agent = agent
        callValues = ["today": today.iso, "agent": agent.name]
        client = ChatCompletionClient(settings: settings, apiKey: settings.apiKeyEnv.flatMap { environment[$0] })
        self.tools = tools
        self.tracer = tracer
        self.onSentence = onSentence
        functionSchemas = LLMBrain.schemas(agent)
        messages = [["role": "system", "content": .string(LLMBrain.systemPrompt(agent))]]
    }

    public func checkpoint() async -> BrainCheckpoint? {
        BrainCheckpoint(State(messages: messages, pendingWrite: pendingWrite, bindings: bindings, actions: actions))
    }

    public func restore(_ checkpoint: BrainCheckpoint) async {
        guard let s = checkpoint.state as? State else { return }
        messages = s.messages
        pendingWrite = s.pendingWrite
        bindings = s.bindings
        actions = s.actions
    }

    /// A read-back is waiting for the caller's yes or no: the next turn is the LLM brain's.
    var awaitsConfirmation: Bool { pendingWrite != nil }

    static func systemPrompt(_ agent: AgentDefinition) -> String {
        var lines = [
            "You are the phone agent for \(agent.name). Keep replies short and speakable: one or two sentences, no lists or markup.",
            "The caller already heard: \"\(agent.disclosure) \(agent.greeting)\"",
            "You can help with: " + agent.intents.map(\.description).joined(separator: "; ") + ".",
            "Use only values the caller said or a tool returned; never invent ids, dates or times. Dates are YYYY-MM-DD, times HH:MM.",
            "A tool that changes something is read back to the caller and runs only after they say yes.",
            "If the caller asks for a human, call transfer_to_human.",
        ]
        if let date = agent.referenceDate { lines.append("Today is \(date).") }
        return lines.joined(separator: "\n")
    }

    /// The function the model calls to hand the caller to a human (not a tool of the agent file).
    static let transferFunction = "transfer_to_human"

    /// The tools the agent file offers the model (`llm: true`), by name.
    static func offered(_ agent: AgentDefinition) -> [String] {
        agent.tools.keys.sorted().filter { agent.tools[$0]?.llm == true }
    }

    /// Template names of the values the brain fills in itself (the caller's id is not known to it).
    static let callValueNames: Set<String> = ["today", "agent"]

    /// A tool's parameters that the agent's flow passes a value the call itself knows (`day: "{today}"`
    /// for a message), by parameter: the model is not asked for them, so it cannot get them wrong.
    static func filledByCall(_ tool: String, agent: AgentDefinition) -> [String: String] {
        var filled: [String: String] = [:]
        for name in agent.flow.keys.sorted() {
            for step in agent.steps(for: name) where step.action == .call(tool: tool) {
                for (parameter, template) in step.arguments {
                    let expression = template.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
                    if template == "{\(expression)}", callValueNames.contains(expression) { filled[parameter] = expression }
                }
            }
        }
        return filled
    }

    /// The model's arguments with the values the call knows put in (over whatever the model said).
    private func completed(_ parsed: JSONValue?, tool: String) -> JSONValue? {
        guard case .object(var object)? = parsed else { return parsed }
        for (parameter, name) in Self.filledByCall(tool, agent: agent) {
            if let value = callValues[name] { object[parameter] = .string(value) }
        }
        return .object(object)
    }

    /// The offered tools as OpenAI function schemas, plus the transfer to a human.
    static func schemas(_ agent: AgentDefinition) -> [JSONValue] {
        let transfer: JSONValue = [
            "type": "function",
            "function": [
                "name": .string(transferFunction),
                "description": "Hand the call to a human colleague when the caller asks for one or you cannot help.",
                "parameters": ["type": "object", "properties": ["reason": ["type": "string", "description": "why, in a few words"]], "required": ["reason"]],
            ],
        ]
        return [transfer] + offered(agent).compactMap { name -> JSONValue? in
            guard let tool = agent.tools[name] else { return nil }
            var properties: [String: JSONValue] = [:]
            var required: [JSONValue] = []
            let filled = filledByCall(name, agent: agent)
            for parameter in ToolArgumentCheck.parameterNames(tool) where filled[parameter] == nil {
                let declared = tool.parameters[parameter]
                var description = declared?.description ?? parameter
                if let format = declared?.format { description += format == "date" ? " (YYYY-MM-DD)" : " (HH:MM)" }
                properties[parameter] = ["type": .string(declared?.type ?? "string"), "description": .string(description)]
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
                return try await complete(text, done: actions)
            } catch {
                return BrainTurn(sentences: ["Sorry, I'm having trouble right now.", agent.escalation.say], path: AnswerPath(.llm, reason: "\(error)"))
            }
        }
    }

    /// One caller turn through the model, running tool rounds until it answers in words, within the
    /// settings' turn budget. `done` is what the call already did (for a handoff's summary).
    /// On failure the conversation is left as it was, so a fallback brain can answer instead.
    func complete(_ text: String, done: [String]) async throws(LLMError) -> BrainTurn {
        failedTurnTraces = []
        if let pending = pendingWrite, let answer = YesNo.parse(text) {
            return await answerReadBack(text, pending: pending, yes: answer)
        }
        // Anything but yes or no to a read-back: nothing is changed, and the model hears it all.
        pendingWrite = nil
        let before = State(messages: messages, pendingWrite: nil, bindings: bindings, actions: actions)
        messages.append(["role": "user", "content": .string(text)])
        let deadline = ContinuousClock.now + .milliseconds(Int64(client.settings.turnBudget * 1000))
        var traces: [ToolCallTrace] = []
        let result = await runRounds(deadline: deadline, done: done, traces: &traces)
        switch result {
        case .success(let turn):
            return turn
        case .failure(let error):
            messages = before.messages
            bindings = before.bindings
            pendingWrite = nil
            failedTurnTraces = traces
            throw error
        }
    }

    /// The caller's yes or no to a read-back. Yes runs the tool (approval rules still apply); no
    /// changes nothing. Either way the model sees what happened.
    private func answerReadBack(_ text: String, pending: PendingWrite, yes: Bool) async -> BrainTurn {
        pendingWrite = nil
        messages.append(["role": "user", "content": .string(text)])
        let redactedArguments = tracer.redactor.redact(pending.arguments.jsonText)
        await tools.appendAudit(yes ? "llm_read_back_confirmed" : "llm_read_back_declined", detail: ["tool": .string(pending.tool), "arguments": pending.arguments])
        guard yes else {
            let said = pending.readBack.declined ?? "Okay, I haven't changed anything. What would you like to do instead?"
            messages.append(["role": "assistant", "content": .string(said)])
            return spoken(said, path: AnswerPath(.llm, reason: "caller declined the read-back of \(pending.tool); nothing changed"))
        }
        let outcome = await tools.invoke(pending.tool, arguments: pending.arguments)
        let result: JSONValue
        let said: String
        switch outcome {
        case .success(let value) where !ToolResults.isEmpty(value):
            result = value
            actions.append("\(pending.tool) \(redactedArguments)")
            said = pending.readBack.done ?? "Done."
        case .success(let value):
            result = value
            said = "Sorry, that couldn't be done, so nothing has been changed."
        case .failed(let error, let fallback, _):
            result = ["error": .string(error.description)]
            said = fallback
        case .denied(let decision):
            result = ["error": .string(decision == .timedOut ? "approval timed out; nothing was done" : "approval denied; nothing was done")]
            said = decision == .timedOut ? "I couldn't get that approved in time, so nothing has been changed." : "I'm sorry, that wasn't approved, so nothing has been changed."
        }
        let id = "confirmed-\(actions.count)-\(pending.tool)"
        messages.append(["role": "assistant", "content": "", "tool_calls": [["id": .string(id), "type": "function", "function": ["name": .string(pending.tool), "arguments": .string(pending.arguments.jsonText)]]]])
        messages.append(["role": "tool", "tool_call_id": .string(id), "name": .string(pending.tool), "content": .string(result.jsonText)])
        messages.append(["role": "assistant", "content": .string(said)])
        let trace = ToolCallTrace(invocation: id, tool: pending.tool, arguments: redactedArguments, result: tracer.redactor.redact(result.jsonText))
        var turn = spoken(said, path: AnswerPath(.llm, reason: "caller confirmed the read-back of \(pending.tool)"))
        turn.toolCalls = [trace]
        return turn
    }

    private func spoken(_ text: String, path: AnswerPath, expects: RecognitionExpectation = .open) -> BrainTurn {
        let sentences = SentenceSplitter.split(text)
        sentences.forEach { onSentence?($0) }
        return BrainTurn(sentences: sentences, expects: expects, confidence: 1, path: path)
    }

    /// One model request within the time left. Streamed unless tools are offered to a server that
    /// showed it cannot stream a tool choice; a streamed request that shows it is asked again unstreamed,
    /// and the server is remembered (with an error event, so it is not hidden by the retry).
    private func request(deadline: ContinuousClock.Instant, streamed: inout [String], splitter: inout SentenceSplitter) async -> Result<ChatCompletionClient.Reply, LLMError> {
        let schemas = functionSchemas
        let history = messages
        let sentenceHandler = onSentence
        let endpoint = client.endpoint
        func timeLeft() -> Double {
            let left = deadline - ContinuousClock.now
            return Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        }
        // A request cut short because the turn's budget ran out, not the server's own timeout.
        let budgetBinds = timeLeft() < client.settings.timeout
        func bounded(_ error: LLMError) -> LLMError {
            (error == .timeout && budgetBinds) || timeLeft() <= 0 ? .overBudget(seconds: client.settings.turnBudget) : error
        }
        guard timeLeft() > 0 else { return .failure(.overBudget(seconds: client.settings.turnBudget)) }
        if client.settings.stream, schemas.isEmpty || ServerQuirks.streamsToolChoice(endpoint) {
            var pieces: [String] = []
            var local = SentenceSplitter()
            do {
                let reply = try await client.stream(messages: history, tools: schemas, timeout: min(client.settings.timeout, timeLeft())) { piece in
                    for sentence in local.feed(piece) {
                        pieces.append(sentence)
                        sentenceHandler?(sentence)
                    }
                }
                streamed = pieces
                splitter = local
                return .success(reply)
            } catch {
                // Nothing of a failed stream is kept; only a sign of the tool-choice quirk is retried.
                guard pieces.isEmpty, !schemas.isEmpty, ServerQuirks.showsNoStreamedToolChoice(error) else { return .failure(bounded(error)) }
                ServerQuirks.cannotStreamToolChoice(endpoint)
                tracer.emit(.error("the LLM server cannot stream a reply when tools are offered (\(error)); asking it unstreamed from now on"), stage: .brain)
            }
        }
        guard timeLeft() > 0 else { return .failure(.overBudget(seconds: client.settings.turnBudget)) }
        do {
            return .success(try await client.complete(messages: history, tools: schemas, timeout: min(client.settings.timeout, timeLeft())))
        } catch {
            return .failure(bounded(error))
        }
    }

    private func runRounds(deadline: ContinuousClock.Instant, done: [String], traces: inout [ToolCallTrace]) async -> Result<BrainTurn, LLMError> {
        let offered = Set(LLMBrain.offered(agent))
        var badArguments = 0
        for _ in 0..<4 {
            var splitter = SentenceSplitter()
            var streamed: [String] = []
            let reply: ChatCompletionClient.Reply
            switch await request(deadline: deadline, streamed: &streamed, splitter: &splitter) {
            case .success(let r): reply = r
            case .failure(let error): return .failure(error)
            }
            if let transfer = reply.toolCalls.first(where: { $0.name == LLMBrain.transferFunction }) {
                let reason = JSONValue.parse(transfer.arguments)?["reason"]?.stringValue ?? "the LLM transferred the caller"
                let handoff = Handoff(reason: reason, callerID: nil, intent: nil, slots: [:], done: done, target: agent.escalation.target)
                tracer.emit(.escalated(summary: handoff.summary, target: handoff.target), stage: .policy)
                let sentences = SentenceSplitter.split(agent.escalation.say)
                sentences.forEach { onSentence?($0) }
                messages.append(["role": "assistant", "content": .string(sentences.joined(separator: " "))])
                return .success(BrainTurn(sentences: sentences, toolCalls: traces, path: AnswerPath(.llm, reason: "transfer to a human"), handoff: handoff))
            }
            if reply.toolCalls.isEmpty {
                let rest = streamed.isEmpty ? SentenceSplitter.split(reply.content) : splitter.finish()
                guard !(streamed + rest).joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .failure(.emptyReply) }
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
            var readBack: PendingWrite?
            for call in reply.toolCalls {
                let result: JSONValue
                let parsed = completed(JSONValue.parse(call.arguments), tool: call.name)
                if let checked = await check(call, parsed: parsed, offered: offered) {
                    if case .unparseable(let why) = checked { badArguments += 1; if badArguments > 1 { return .failure(.unparseableArguments(tool: call.name, why: why)) } }
                    result = ["error": .string("not run: \(checked.problem). Call it again with corrected arguments, or answer the caller.")]
                } else {
                    let given = parsed ?? .object([:])
                    let arguments = agent.tools[call.name].map { ToolArgumentCheck.normalised(given, for: $0) } ?? given
                    if agent.tools[call.name]?.writes == true {
                        if readBack == nil {
                            let pending = PendingWrite(tool: call.name, arguments: arguments, readBack: ReadBack.make(tool: call.name, arguments: arguments, agent: agent, bindings: bindings))
                            readBack = pending
                            await tools.appendAudit("llm_read_back", detail: ["tool": .string(call.name), "arguments": arguments, "question": .string(pending.readBack.question)])
                            result = ["status": "not run yet: read back to the caller, waiting for their yes", "read_back": .string(pending.readBack.question)]
                        } else {
                            result = ["error": "not run: one change at a time; ask again after the caller answered the read-back"]
                        }
                    } else {
                        let outcome = await tools.invoke(call.name, arguments: arguments)
                        switch outcome {
                        case .success(let value):
                            result = value
                            bind(call.name, value)
                        case .failed(let error, let fallback, _): result = ["error": .string(error.description), "say": .string(fallback)]
                        case .denied(let decision): result = ["error": .string(decision == .timedOut ? "approval timed out; nothing was done" : "approval denied; nothing was done")]
                        }
                        traces.append(ToolCallTrace(invocation: call.id, tool: call.name, arguments: tracer.redactor.redact(call.arguments), result: tracer.redactor.redact(result.jsonText)))
                    }
                }
                messages.append(["role": "tool", "tool_call_id": .string(call.id), "name": .string(call.name), "content": .string(result.jsonText)])
            }
            if let readBack {
                // The brain says the read-back itself: the model's words never stand in for it.
                pendingWrite = readBack
                messages.append(["role": "assistant", "content": .string(readBack.readBack.question)])
                var turn = spoken(readBack.readBack.question, path: AnswerPath(.llm, reason: "read-back of \(readBack.tool) before it runs"), expects: .yesNo)
                turn.toolCalls = traces
                return .success(turn)
            }
        }
        return .failure(.tooManyToolRounds)
    }

    /// Why a call the model made cannot run.
    enum Rejection: Sendable {
        case unparseable(String)
        case invalid(String)

        var problem: String {
            switch self {
            case .unparseable(let why): return "the arguments are not a JSON object (\(why))"
            case .invalid(let why): return why
            }
        }
    }

    /// Checks a call (its arguments `parsed`, with the call's own values in) before anything runs; a
    /// rejection is traced, audited and told to the model.
    private func check(_ call: ChatCompletionClient.ToolCall, parsed: JSONValue?, offered: Set<String>) async -> Rejection? {
        let rejection: Rejection?
        if !offered.contains(call.name) {
            rejection = .invalid("there is no tool named '\(call.name)' (the tools are \(offered.sorted().joined(separator: ", ")))")
        } else if let parsed, parsed.objectValue != nil, let definition = agent.tools[call.name] {
            rejection = await tools.problem(call.name, arguments: ToolArgumentCheck.normalised(parsed, for: definition)).map { Rejection.invalid($0) }
        } else {
            rejection = .unparseable(String(call.arguments.prefix(80)))
        }
        guard let rejection else { return nil }
        tracer.emit(.error("LLM call to \(call.name) not run: \(rejection.problem)"), stage: .brain)
        await tools.appendAudit("llm_call_rejected", detail: ["tool": .string(call.name), "arguments": .string(call.arguments), "problem": .string(rejection.problem)])
        return rejection
    }

    /// Keeps a read tool's result under the name the agent's flow binds it to, for read-backs.
    private func bind(_ tool: String, _ value: JSONValue) {
        for name in agent.flow.keys.sorted() {
            for step in agent.steps(for: name) where step.action == .call(tool: tool) {
                if let bound = step.bindAs, !ToolResults.isEmpty(value) { bindings[bound] = value }
            }
        }
    }
}
