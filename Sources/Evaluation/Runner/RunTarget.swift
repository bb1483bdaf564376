/// What a scenario's call is placed against. Only the embedded pipeline in virtual time exists today;
/// real time through PulseAudio and a SIP peer are the planned other targets.
public enum RunTarget: String, Sendable, Equatable, CaseIterable {
    case embedded
}
