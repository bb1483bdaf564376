import RingsideCore

/// Which brain answers a call: the intent engine alone; the LLM for every request (the intent engine
/// only for a turn the LLM fails, and for the way forward after too many re-asks in a row); or the
/// hybrid (the intent engine for what it recognises confidently, the LLM for the rest).
///
/// A call reads it from its environment (`RINGSIDE_BRAIN`), with the server from `RINGSIDE_LLM_URL`
/// and `RINGSIDE_LLM_MODEL` where the agent file has no `llm:` section, so `ringside test --brain`
/// can measure one brain against another on the same scenarios without changing the agent files.
public enum BrainChoice: String, Sendable, CaseIterable {
    case engine, llm, hybrid

    public static let environmentKey = "RINGSIDE_BRAIN"
    public static let urlKey = "RINGSIDE_LLM_URL"
    public static let modelKey = "RINGSIDE_LLM_MODEL"

    /// The brain `environment` names, else the hybrid where `useLLM` asks for the LLM. A name that is
    /// none of the brains is an error naming the variable.
    public static func named(in environment: [String: String], useLLM: Bool) throws(LocatedError) -> BrainChoice {
        guard let name = environment[environmentKey], !name.isEmpty else { return useLLM ? .hybrid : .engine }
        guard let choice = BrainChoice(rawValue: name) else {
            throw LocatedError(SourceLocation(file: environmentKey), problem: "'\(name)' is not a brain",
                               suggestion: "use one of " + allCases.map(\.rawValue).joined(separator: ", "))
        }
        return choice
    }

    /// The LLM server for the call: the agent file's, with the environment's URL and model in its
    /// place where they are set; nil where neither names one.
    public static func settings(_ agent: LLMSettings?, environment: [String: String]) -> LLMSettings? {
        let url = environment[urlKey].flatMap { $0.isEmpty ? nil : $0 }
        let model = environment[modelKey].flatMap { $0.isEmpty ? nil : $0 }
        guard var settings = agent ?? url.map({ LLMSettings(url: $0, model: model ?? "local") }) else { return nil }
        if let url { settings.url = url }
        if let model { settings.model = model }
        return settings
    }

    /// The variables that select this brain (and server) for a call.
    public func environment(url: String?, model: String?) -> [String: String] {
        var out = [Self.environmentKey: rawValue]
        if let url { out[Self.urlKey] = url }
        if let model { out[Self.modelKey] = model }
        return out
    }
}
