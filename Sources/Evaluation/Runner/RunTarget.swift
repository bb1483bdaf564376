/// What a scenario's call is placed against: the embedded pipeline in virtual time, the embedded
/// pipeline in real time through a PulseAudio loop (`PulseCallLoop`), or a real agent called over
/// SIP in real time (`RemoteScenarioCall`).
public enum RunTarget: String, Sendable, Equatable, CaseIterable {
    case embedded
    case pulse
    case sip
}
