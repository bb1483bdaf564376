import Foundation
import RingsideCore

/// One sample call: who calls, over what line, what they say (scripted or in reaction to the agent),
/// and what must be true of the call afterwards. Loaded from YAML by `ScenarioLoader`.
public struct Scenario: Sendable, Equatable {
    /// Unique name, used in reports and baselines.
    public var id: String
    public var tags: [String]
    /// Why this scenario exists.
    public var description: String
    public var caller: CallerProfile
    public var audio: LineConditions
    /// How tool approvals are answered during the call.
    public var approval: ApprovalAnswer
    /// HTTP services stood up on 127.0.0.1 for the call, by the environment variable that hands
    /// their base URL to the agent (an HTTP tool's `url: "${NAME}/path"`).
    public var services: [String: LoopbackHTTPService.Response]
    public var turns: [ScenarioTurn]
    public var assertions: CallAssertions
    public var limits: CallLimits
    /// How many times to run it.
    public var runs: Int
    /// The file it came from.
    public var file: String
    /// The agent folder (the scenario file's `calls/` parent).
    public var agentDirectory: URL

    public init(id: String, tags: [String] = [], description: String, caller: CallerProfile = CallerProfile(), audio: LineConditions = LineConditions(),
                approval: ApprovalAnswer = .approve, services: [String: LoopbackHTTPService.Response] = [:], turns: [ScenarioTurn], assertions: CallAssertions = CallAssertions(),
                limits: CallLimits = CallLimits(), runs: Int = 1, file: String = "", agentDirectory: URL) {
        self.id = id
        self.tags = tags
        self.description = description
        self.caller = caller
        self.audio = audio
        self.approval = approval
        self.services = services
        self.turns = turns
        self.assertions = assertions
        self.limits = limits
        self.runs = runs
        self.file = file
        self.agentDirectory = agentDirectory
    }
}

/// How the runner answers the agent's approval requests (the operator's part in the call).
public enum ApprovalAnswer: String, Sendable, Equatable, CaseIterable {
    case approve, deny
    /// Nobody answers: the agent's approval timeout decides.
    case none
}
