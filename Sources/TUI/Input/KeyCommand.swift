/// What a key means on the call screen (outside text input). See `HelpOverlay.entries`.
public enum KeyCommand: Sendable, Equatable, CaseIterable {
    case toggleTakeover
    case toggleMute
    case startTextInput
    case approve
    case deny
    case scrollUp
    case scrollDown
    case cycleTheme
    case toggleHelp
    case quit

    /// The key map: `t m Tab a d PgUp PgDn ↑ ↓ T ? q`.
    public init?(_ key: KeyPress) {
        switch key {
        case .character("t"): self = .toggleTakeover
        case .character("m"): self = .toggleMute
        case .tab: self = .startTextInput
        case .character("a"): self = .approve
        case .character("d"): self = .deny
        case .pageUp, .up: self = .scrollUp
        case .pageDown, .down: self = .scrollDown
        case .character("T"): self = .cycleTheme
        case .character("?"): self = .toggleHelp
        case .character("q"): self = .quit
        default: return nil
        }
    }
}
