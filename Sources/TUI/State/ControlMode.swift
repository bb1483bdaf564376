/// Who is answering the caller: the agent, or a person who took over.
public enum ControlMode: String, Sendable, Equatable {
    case agent = "AGENT"
    case human = "HUMAN"
}
