import Foundation
import RingsideCore

/// A voice agent as declared in its `agent.yaml`: who it is, what it understands, what it can do,
/// and the rules it follows. Built by `AgentLoader`, which checks it and reports problems by line.
public struct AgentDefinition: Sendable, Equatable, Decodable {
    public var name: String
    /// The AI disclosure, always spoken first.
    public var disclosure: String
    public var greeting: String
    public var voice: String
    /// The day the demo data assumes is today (`YYYY-MM-DD`); live calls use the real date when absent.
    public var referenceDate: String?
    public var database: DatabaseSettings?
    public var slots: [String: SlotDefinition]
    public var intents: [IntentDefinition]
    /// Steps per intent name, plus reusable blocks that steps `include`.
    public var flow: [String: [FlowStep]]
    public var tools: [String: ToolDefinition]
    public var policies: PolicyDefinition
    public var escalation: EscalationTarget
    public var memory: MemoryPolicy
    public var llm: LLMSettings?

    /// The folder the definition was loaded from; relative paths in it resolve here.
    public var directory: URL = URL(fileURLWithPath: ".")
    /// Values read from the database for slots with `values_from` (patient names), by slot name.
    public var knownValues: [String: [String]] = [:]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, disclosure, greeting, voice, database, slots, intents, flow, tools, policies, escalation, memory, llm
        case referenceDate = "reference_date"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        disclosure = try c.decode(String.self, forKey: .disclosure)
        greeting = try c.decode(String.self, forKey: .greeting)
        voice = try c.decodeIfPresent(String.self, forKey: .voice) ?? "slt"
        referenceDate = try c.decodeIfPresent(String.self, forKey: .referenceDate)
        database = try c.decodeIfPresent(DatabaseSettings.self, forKey: .database)
        slots = try c.decodeIfPresent([String: SlotDefinition].self, forKey: .slots) ?? [:]
        intents = try c.decode([IntentDefinition].self, forKey: .intents)
        flow = try c.decode([String: [FlowStep]].self, forKey: .flow)
        var tools = try c.decodeIfPresent([String: ToolDefinition].self, forKey: .tools) ?? [:]
        for key in tools.keys { tools[key]?.name = key }
        self.tools = tools
        policies = try c.decodeIfPresent(PolicyDefinition.self, forKey: .policies) ?? PolicyDefinition()
        escalation = try c.decode(EscalationTarget.self, forKey: .escalation)
        memory = try c.decodeIfPresent(MemoryPolicy.self, forKey: .memory) ?? MemoryPolicy()
        llm = try c.decodeIfPresent(LLMSettings.self, forKey: .llm)
    }

    /// What a speech recogniser should expect to hear on calls to this agent.
    public var vocabulary: DomainVocabulary {
        var phrases = intents.flatMap(\.examples)
        phrases += BuiltinPhrases.all
        var values: [String] = []
        for name in slots.keys.sorted() {
            guard let slot = slots[name] else { continue }
            values += slot.values
            // Names and choices are words to listen for; a list of order numbers is not.
            if slot.type == .name || slot.type == .choice { values += knownValues[name] ?? [] }
        }
        var seen = Set<String>()
        return DomainVocabulary(
            phrases: phrases.filter { seen.insert("p:" + $0).inserted },
            slotValues: values.filter { seen.insert("v:" + $0).inserted }
        )
    }

    /// The steps of an intent's flow with every `include` expanded.
    public func steps(for intent: String) -> [FlowStep] {
        expand(intent, depth: 0)
    }

    private func expand(_ block: String, depth: Int) -> [FlowStep] {
        guard depth < 8, let steps = flow[block] else { return [] }
        return steps.flatMap { step -> [FlowStep] in
            if case .include(let inner) = step.action { return expand(inner, depth: depth + 1) }
            return [step]
        }
    }

    /// The approval rule for a tool, if any.
    public func approvalRule(for tool: String) -> ApprovalRule? {
        policies.approvals.first { $0.tool == tool }
    }
}
