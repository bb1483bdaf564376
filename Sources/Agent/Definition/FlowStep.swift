/// One state of an intent's flow. Exactly one of `ask`, `call`, `confirm`, `say` or `include` is set.
///
/// Flows are re-evaluated from the top after every caller reply: an `ask` whose slot is filled, a
/// `call` already made and a `confirm` already answered are passed over. That makes corrections
/// simple: changing a slot forgets the confirmations and calls that used it, and the flow asks again.
public struct FlowStep: Sendable, Equatable, Decodable {
    public enum Action: Sendable, Equatable {
        case ask(slot: String)
        case call(tool: String)
        case confirm(String)
        case say(String)
        case include(String)
    }

    public var action: Action
    /// Overrides the slot's prompt for an `ask`.
    public var prompt: String?
    /// Arguments for a `call`: parameter name to template (`"{patient.id}"`).
    public var arguments: [String: String]
    /// The name a `call`'s result is kept under for later templates.
    public var bindAs: String?
    /// Spoken after a successful `call`.
    public var sayAfter: String?
    /// For a `call` that found nothing (no rows, or no row changed).
    public var ifEmpty: FlowOutcome?
    /// For a `confirm` answered no.
    public var ifNo: FlowOutcome?
    /// For a `call` whose approval was denied or timed out.
    public var ifDenied: FlowOutcome?
    /// For a `say`: what follows it (default: go on with the next step).
    public var then: FlowTransition?
    /// For a read-only `call` that identifies a record (a patient by name and date of birth): when it
    /// finds nothing, it is tried again with the dates it was given as their sound-alikes (the
    /// thirteenth heard for the thirtieth), and the one sound-alike that finds a record is taken.
    public var soundAlikes: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case ask, call, confirm, say, include, prompt, then
        case with, `as`
        case ifEmpty = "if_empty", ifNo = "if_no", ifDenied = "if_denied"
        case soundAlikes = "sound_alikes"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        let path = decoder.codingPath.map(\.pathComponent)
        var actions: [(String, Action)] = []
        if let s = try c.decodeIfPresent(String.self, forKey: .ask) { actions.append(("ask", .ask(slot: s))) }
        if let s = try c.decodeIfPresent(String.self, forKey: .call) { actions.append(("call", .call(tool: s))) }
        if let s = try c.decodeIfPresent(String.self, forKey: .confirm) { actions.append(("confirm", .confirm(s))) }
        if let s = try c.decodeIfPresent(String.self, forKey: .include) { actions.append(("include", .include(s))) }
        let sayText = try c.decodeIfPresent(String.self, forKey: .say)
        if actions.isEmpty, let sayText { actions.append(("say", .say(sayText))) }
        guard actions.count == 1, let first = actions.first else {
            throw DefinitionIssue(
                path: path, field: "step",
                problem: actions.isEmpty ? "a flow step needs an action" : "a flow step has more than one action (\(actions.map(\.0).joined(separator: ", ")))",
                suggestion: "give each step exactly one of ask, call, confirm, say or include"
            )
        }
        action = first.1
        sayAfter = first.0 == "call" ? sayText : nil
        if first.0 != "call", first.0 != "say", sayText != nil {
            throw DefinitionIssue(path: path + ["say"], field: "say", problem: "'say' cannot be combined with '\(first.0)'", suggestion: "put the sentence in its own step", atKey: true)
        }
        prompt = try c.decodeIfPresent(String.self, forKey: .prompt)
        arguments = try c.decodeIfPresent([String: String].self, forKey: .with) ?? [:]
        bindAs = try c.decodeIfPresent(String.self, forKey: .as)
        ifEmpty = try c.decodeIfPresent(FlowOutcome.self, forKey: .ifEmpty)
        ifNo = try c.decodeIfPresent(FlowOutcome.self, forKey: .ifNo)
        ifDenied = try c.decodeIfPresent(FlowOutcome.self, forKey: .ifDenied)
        then = try c.decodeIfPresent(FlowTransition.self, forKey: .then)
        soundAlikes = try c.decodeIfPresent(Bool.self, forKey: .soundAlikes) ?? false
        if soundAlikes, first.0 != "call" {
            throw DefinitionIssue(path: path + ["sound_alikes"], field: "sound_alikes", problem: "'sound_alikes' belongs to a 'call' step, not to '\(first.0)'", suggestion: "put it on the call that looks the record up", atKey: true)
        }
    }
}
