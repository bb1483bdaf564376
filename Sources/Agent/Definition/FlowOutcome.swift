/// What to do when a step does not go as hoped (nothing found, caller said no, approval denied).
public struct FlowOutcome: Sendable, Equatable, Decodable {
    /// A `retry` with no `attempts` of its own gives up after this many: no flow loops without end.
    public static let defaultAttempts = 3

    /// Spoken first (a template, like every spoken text in an agent file).
    public var say: String?
    /// Slots to forget, so the flow asks for them again.
    public var clear: [String]
    public var then: FlowTransition
    /// For `then: retry`: how many times this outcome may happen in one request before the flow
    /// gives up (`otherwise`). Two for identification: a caller asked three times for a date of
    /// birth the records do not have is not helped by a fourth.
    public var attempts: Int?
    /// For `then: retry`: the way forward once `attempts` is used up (default: the human handoff).
    /// Nothing is cleared, so the caller's answers go with them (to a message, to a person).
    public var otherwise: FlowFallback?

    enum CodingKeys: String, CodingKey, CaseIterable { case say, clear, then, attempts, otherwise }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        say = try c.decodeIfPresent(String.self, forKey: .say)
        clear = try c.decodeIfPresent([String].self, forKey: .clear) ?? []
        then = try c.decodeIfPresent(FlowTransition.self, forKey: .then) ?? (clear.isEmpty ? .end : .retry)
        attempts = try c.decodeIfPresent(Int.self, forKey: .attempts)
        otherwise = try c.decodeIfPresent(FlowFallback.self, forKey: .otherwise)
    }

    public init(say: String?, clear: [String] = [], then: FlowTransition, attempts: Int? = nil, otherwise: FlowFallback? = nil) {
        self.say = say
        self.clear = clear
        self.then = then
        self.attempts = attempts
        self.otherwise = otherwise
    }

    /// How many times a `retry` may happen before `otherwise`.
    public var attemptLimit: Int { attempts ?? Self.defaultAttempts }
}

/// Where a flow goes when an outcome's retries are used up: spoken first, then the transition
/// (never `retry` — the loader refuses it).
public struct FlowFallback: Sendable, Equatable {
    public var say: String?
    public var then: FlowTransition
}

extension FlowFallback: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case say, then }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        self.init(say: try c.decodeIfPresent(String.self, forKey: .say), then: try c.decode(FlowTransition.self, forKey: .then))
    }
}

/// Where a flow goes after an outcome.
public enum FlowTransition: String, Sendable, Equatable, Decodable, CaseIterable {
    /// Finish this request and ask whether there is anything else.
    case end
    /// Go on from the top of the flow, asking again for whatever was cleared.
    case retry
    /// Hand the call to a human.
    case escalate
    /// Say goodbye and hang up.
    case hangup
    /// Take a message: the flow block named `message` runs (ask for it, read it back, record it
    /// with a tool), with what the caller already said (their name) kept for it.
    case message

    /// The flow block `then: message` runs.
    public static let messageFlow = "message"
}
