/// What a scenario's call is placed against: the embedded pipeline in virtual time, or a real agent
/// called over SIP in real time (`RemoteScenarioCall`).
public enum RunTarget: String, Sendable, Equatable, CaseIterable {
    case embedded
    case sip
}
