/// The rules an agent plays by: when it is sure enough, when it gives up, what needs a human's yes, what is hidden.
public struct PolicyDefinition: Sendable, Equatable, Decodable {
    /// Below this intent confidence, a reply counts as not understood.
    public var confidenceThreshold: Double
    /// Misunderstandings in a row before the call is handed to a human; also re-asks in a row of any
    /// kind (words not made out, unfinished turns) before the agent offers its way forward instead.
    public var maxMisunderstandings: Int
    public var approvals: [ApprovalRule]
    /// Seconds an approval waits for the operator before it counts as denied.
    public var approvalTimeout: Double
    public var redact: [RedactionKind]
    /// With an LLM configured: intent-engine answers at or above this confidence skip the LLM.
    /// Defaults to `confidenceThreshold`: whatever the engine would act on, it answers itself (a
    /// higher bar sent requests the engine got right at 0.46-0.55 to a model that got them wrong).
    public var llmBypassConfidence: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case approvals, redact
        case confidenceThreshold = "confidence_threshold"
        case maxMisunderstandings = "max_misunderstandings"
        case approvalTimeout = "approval_timeout"
        case llmBypassConfidence = "llm_bypass_confidence"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        confidenceThreshold = try c.decodeIfPresent(Double.self, forKey: .confidenceThreshold) ?? 0.45
        maxMisunderstandings = try c.decodeIfPresent(Int.self, forKey: .maxMisunderstandings) ?? 2
        approvals = try c.decodeIfPresent([ApprovalRule].self, forKey: .approvals) ?? []
        approvalTimeout = try c.decodeIfPresent(Double.self, forKey: .approvalTimeout) ?? 30
        redact = try c.decodeIfPresent([RedactionKind].self, forKey: .redact) ?? RedactionKind.allCases
        llmBypassConfidence = try c.decodeIfPresent(Double.self, forKey: .llmBypassConfidence) ?? confidenceThreshold
    }

    public init() {
        confidenceThreshold = 0.45
        maxMisunderstandings = 2
        approvals = []
        approvalTimeout = 30
        redact = RedactionKind.allCases
        llmBypassConfidence = 0.45
    }
}

/// Kinds of personal data the redactor hides.
public enum RedactionKind: String, Sendable, Equatable, Codable, CaseIterable {
    case cardNumber = "card_number"
    case ssn
    case dateOfBirth = "date_of_birth"
}

/// A tool that needs an operator's yes before it runs, always or above an amount.
public struct ApprovalRule: Sendable, Equatable, Decodable {
    public var tool: String
    /// Only when this argument is numerically above `above`.
    public var argument: String?
    public var above: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case tool, argument, above }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        tool = try c.decode(String.self, forKey: .tool)
        argument = try c.decodeIfPresent(String.self, forKey: .argument)
        above = try c.decodeIfPresent(Double.self, forKey: .above)
        if (argument == nil) != (above == nil) {
            throw DefinitionIssue(path: decoder.codingPath.map(\.pathComponent), field: argument == nil ? "argument" : "above", problem: "'argument' and 'above' go together", suggestion: "give both (approval above an amount) or neither (always)")
        }
    }

    /// Whether a call with these arguments needs approval under this rule.
    public func applies(to arguments: JSONValue) -> Bool {
        guard let argument, let above else { return true }
        guard let value = arguments[argument]?.doubleValue else { return true }
        return value > above
    }
}
