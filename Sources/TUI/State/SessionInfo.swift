/// Facts about the session that no event carries: engines, devices, echo cancelling.
/// The app sets it once when the session is built (`CallState.sessionInfo`).
public struct SessionInfo: Sendable, Equatable {
    public var agentName: String
    public var transport: String
    public var stt: String
    public var brain: String
    public var tts: String
    public var inputDevice: String
    public var outputDevice: String
    public var echoCancel: Bool

    public init(agentName: String = "", transport: String = "", stt: String = "", brain: String = "", tts: String = "",
                inputDevice: String = "", outputDevice: String = "", echoCancel: Bool = false) {
        self.agentName = agentName
        self.transport = transport
        self.stt = stt
        self.brain = brain
        self.tts = tts
        self.inputDevice = inputDevice
        self.outputDevice = outputDevice
        self.echoCancel = echoCancel
    }
}
