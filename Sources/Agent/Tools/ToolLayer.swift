import Foundation
import GRDB
import Logging
import RingsideCore

/// Runs the agent's tools with everything around them: approval, per-call caching of read-only
/// results, attempts with exponential backoff, trace events, and the audit log.
///
/// Both brains call tools only through here, so policies apply whoever decided to call.
public actor ToolLayer {
    private let agent: AgentDefinition
    private let tools: [String: any Tool]
    private let tracer: CallTracer
    private let approvals: ApprovalDesk
    private let audit: AuditLog?
    /// The agent's database, for the `requires` checks of a tool's arguments.
    private let database: DatabaseQueue?
    private let logger: Logger
    private var cache: [String: (value: JSONValue, expires: MediaTime)] = [:]
    private var invocationCount = 0

    public init(agent: AgentDefinition, tools: [String: any Tool], tracer: CallTracer, approvals: ApprovalDesk, audit: AuditLog?, database: DatabaseQueue? = nil, logger: Logger = Logger(label: "ringside.agent.tools")) {
        self.agent = agent
        self.tools = tools
        self.tracer = tracer
        self.approvals = approvals
        self.audit = audit
        self.database = database
        self.logger = logger
    }

    /// Why `arguments` are not acceptable for `name` (as a sentence), or nil when they are: the tool
    /// exists, the arguments fit its declared parameters, and every `requires` query returns a row.
    /// Runs nothing that changes the world. The LLM brain calls this before any tool.
    public func problem(_ name: String, arguments: JSONValue) async -> String? {
        guard let definition = agent.tools[name], tools[name] != nil else { return "there is no tool named '\(name)'" }
        if let problem = ToolArgumentCheck.problem(arguments, for: definition) { return problem }
        guard !definition.requires.isEmpty else { return nil }
        guard let database else { return "\(name)'s arguments cannot be checked: the agent has no database" }
        for requirement in definition.requires {
            var bound: [String: (any DatabaseValueConvertible)?] = [:]
            for placeholder in requirement.sql.placeholders {
                guard let value = arguments[placeholder] else { return "'\(placeholder)' is missing" }
                bound[placeholder] = SQLTool.bindable(value)
            }
            let statement = StatementArguments(bound)
            let query = requirement.sql.query
            do {
                let found = try await database.read { db in try Row.fetchOne(db, sql: query, arguments: statement) != nil }
                if !found { return requirement.problem }
            } catch {
                return "\(name)'s arguments could not be checked: \(error)"
            }
        }
        return nil
    }

    /// Adds an entry of the LLM brain's own (a rejected call, a read-back confirmed) to the audit log.
    public func appendAudit(_ kind: String, detail: [String: JSONValue]) async {
        await audit?.append(call: tracer.callID, kind: kind, time: tracer.clock.now(), detail: .object(detail))
    }

    /// Builds the tool set an agent declares, with SQL tools on `database`.
    public static func makeTools(for agent: AgentDefinition, database: DatabaseQueue?, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: any Tool] {
        var tools: [String: any Tool] = [:]
        for (name, definition) in agent.tools {
            switch definition.kind {
            case .sql(let spec):
                if let database { tools[name] = SQLTool(definition: definition, spec: spec, database: database) }
            case .http(let spec):
                tools[name] = HTTPTool(definition: definition, spec: spec, environment: environment)
            case .exec(let spec):
                tools[name] = ExecTool(definition: definition, spec: spec, directory: agent.directory)
            }
        }
        return tools
    }

    /// Calls `name` with `arguments`, going through approval, cache, attempts, traces and audit.
    public func invoke(_ name: String, arguments: JSONValue) async -> ToolOutcome {
        invocationCount += 1
        let invocation = "\(tracer.callID)-t\(invocationCount)"
        let argumentText = arguments.jsonText
        guard let tool = tools[name] else {
            let error = ToolError.unknownTool(name)
            tracer.emit(.toolFailed(ToolCallTrace(invocation: invocation, tool: name, arguments: argumentText), error: error.description), stage: .tool)
            await audit?.append(call: tracer.callID, kind: "tool_failed", time: tracer.clock.now(), detail: ["tool": .string(name), "error": .string(error.description)])
            return .failed(error, fallback: "Sorry, I can't do that right now.", attempts: 0)
        }
        let definition = tool.definition
        let needsApproval = agent.approvalRule(for: name)?.applies(to: arguments) ?? false
        // A speculative turn (at the caller's pause) must change nothing and ask nobody: a tool that
        // writes or needs approval is refused, which makes the speculation unusable.
        if let scratch = SpeculationScratch.current, definition.writes || needsApproval {
            scratch.refuse(name)
            return .denied(.denied(by: "speculation"))
        }
        if needsApproval {
            tracer.emit(.approvalRequested(id: invocation, tool: name, arguments: argumentText), stage: .policy)
            await audit?.append(call: tracer.callID, kind: "approval_requested", time: tracer.clock.now(), detail: ["id": .string(invocation), "tool": .string(name), "arguments": arguments])
            let decision = await approvals.request(id: invocation, tool: name, arguments: tracer.redactor.redact(argumentText))
            let by: String
            switch decision {
            case .approved(let who), .denied(let who): by = who
            case .timedOut: by = "timeout"
            }
            tracer.emit(.approvalDecided(id: invocation, approved: decision.isApproved, by: by), stage: .policy)
            await audit?.append(call: tracer.callID, kind: "approval_decided", time: tracer.clock.now(), detail: ["id": .string(invocation), "tool": .string(name), "approved": .bool(decision.isApproved), "by": .string(by)])
            if !decision.isApproved { return .denied(decision) }
        }
        let cacheKey = name + " " + argumentText
        let cacheable = !definition.writes && definition.cacheTTL > 0
        if cacheable, let hit = cache[cacheKey], tracer.clock.now() < hit.expires {
            // Attempt 0 marks a result served from the call's cache.
            let trace = ToolCallTrace(invocation: invocation, tool: name, arguments: argumentText, attempt: 0, result: hit.value.jsonText, durationMs: 0)
            tracer.emit(.toolStarted(trace), stage: .tool)
            tracer.emit(.toolFinished(trace), stage: .tool)
            return .success(hit.value)
        }
        let (retries, backoff) = ToolLayer.retryPolicy(definition)
        var attempt = 0
        while true {
            attempt += 1
            var trace = ToolCallTrace(invocation: invocation, tool: name, arguments: argumentText, attempt: attempt)
            tracer.emit(.toolStarted(trace), stage: .tool)
            let start = tracer.clock.now()
            let result: Result<JSONValue, ToolError>
            do {
                result = .success(try await tool.call(arguments))
            } catch {
                result = .failure(error)
            }
            trace.durationMs = (tracer.clock.now() - start).milliseconds
            switch result {
            case .success(let value):
                trace.result = value.jsonText
                tracer.emit(.toolFinished(trace), stage: .tool)
                await audit?.append(call: tracer.callID, kind: "tool", time: tracer.clock.now(), detail: [
                    "tool": .string(name), "invocation": .string(invocation), "attempt": .number(Double(attempt)),
                    "arguments": arguments, "result": value, "durationMs": .number(trace.durationMs ?? 0),
                ])
                if cacheable { cache[cacheKey] = (value, tracer.clock.now() + .seconds(definition.cacheTTL)) }
                return .success(value)
            case .failure(let error):
                trace.result = error.description
                tracer.emit(.toolFailed(trace, error: error.description), stage: .tool)
                logger.warning("tool failed", metadata: ["tool": "\(name)", "attempt": "\(attempt)", "error": "\(tracer.redactor.redact(error.description))"])
                await audit?.append(call: tracer.callID, kind: "tool_failed", time: tracer.clock.now(), detail: [
                    "tool": .string(name), "invocation": .string(invocation), "attempt": .number(Double(attempt)),
                    "arguments": arguments, "error": .string(error.description), "durationMs": .number(trace.durationMs ?? 0),
                ])
                guard error.isRetryable, attempt <= retries else {
                    return .failed(error, fallback: definition.fallback, attempts: attempt)
                }
                let wait = backoff * pow(2, Double(attempt - 1))
                try? await tracer.clock.sleep(for: .seconds(wait))
            }
        }
    }

    private static func retryPolicy(_ definition: ToolDefinition) -> (retries: Int, backoff: Double) {
        switch definition.kind {
        case .sql: return (0, 0)
        case .http(let spec): return (spec.retries, spec.backoff)
        case .exec(let spec): return (spec.retries, 0.1)
        }
    }
}
