/// How a `SIPUserAgent` binds and identifies itself, and how it treats incoming calls.
public struct SIPConfiguration: Sendable {
    /// The address SIP binds to (127.0.0.1 in tests; "*" for every interface).
    public var bindAddress: String
    /// The UDP port; 0 picks a free one (read it back from `SIPUserAgent.localPort`).
    public var port: UInt16
    public var userAgent: String
    /// Decides each incoming INVITE on the signalling thread (keep it quick). Nil: ring and wait.
    public var incomingCallPolicy: (@Sendable (SIPCall, _ offer: String?) -> IncomingCallDecision)?
    /// Digest credentials for challenges to REGISTER or INVITE.
    public var credentials: SIPCredentials?

    public init(bindAddress: String = "127.0.0.1", port: UInt16 = 5062, userAgent: String = "Ringside",
                incomingCallPolicy: (@Sendable (SIPCall, String?) -> IncomingCallDecision)? = nil, credentials: SIPCredentials? = nil) {
        self.bindAddress = bindAddress
        self.port = port
        self.userAgent = userAgent
        self.incomingCallPolicy = incomingCallPolicy
        self.credentials = credentials
    }
}
