/// Why a tool call failed, said so an operator reading the trace knows what to fix.
public enum ToolError: Error, Sendable, Equatable, CustomStringConvertible {
    case timeout(seconds: Double)
    case httpStatus(Int)
    case malformedResponse(String)
    case schemaMismatch(String)
    case unreachable(String)
    case commandFailed(String)
    case database(String)
    case missingArgument(String)
    case unknownTool(String)

    /// Worth another attempt: the next one may go through.
    public var isRetryable: Bool {
        switch self {
        case .timeout, .unreachable: return true
        case .httpStatus(let code): return code >= 500 || code == 429
        case .malformedResponse, .schemaMismatch, .commandFailed, .database, .missingArgument, .unknownTool: return false
        }
    }

    public var description: String {
        switch self {
        case .timeout(let s): return "no answer within \(s) s"
        case .httpStatus(let code): return "the server answered HTTP \(code)"
        case .malformedResponse(let why): return "the response is not valid JSON (\(why))"
        case .schemaMismatch(let why): return "the response does not match the declared schema: \(why)"
        case .unreachable(let why): return "cannot reach the service: \(why)"
        case .commandFailed(let why): return "the command failed: \(why)"
        case .database(let why): return "the database query failed: \(why)"
        case .missingArgument(let name): return "argument '\(name)' is missing"
        case .unknownTool(let name): return "no tool named '\(name)'"
        }
    }
}
