/// One stage of the wait between the caller falling silent and the agent's voice starting,
/// in the order the stages happen.
public enum LatencyStage: String, Sendable, Codable, Hashable, CaseIterable {
    /// True end of speech → the turn detector deciding the caller finished.
    case endpointing
    /// End of turn → the final transcript.
    case stt
    /// Every brain decision in the turn (started → decided), summed.
    case brain
    /// Every tool attempt in the turn (started → finished or failed), summed.
    case tools
    /// TTS requested → first audio chunk.
    case tts
    /// First audio chunk → playout started.
    case playout

    /// A short name for legends and reports.
    public var label: String {
        switch self {
        case .endpointing: return "endpoint"
        case .stt: return "stt"
        case .brain: return "brain"
        case .tools: return "tools"
        case .tts: return "tts"
        case .playout: return "playout"
        }
    }
}
