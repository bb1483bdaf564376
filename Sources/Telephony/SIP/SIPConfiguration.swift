/// How a `SIPUserAgent` binds and identifies itself, and how it treats incoming calls.
public struct SIPConfiguration: Sendable {
    /// The address SIP binds to (127.0.0.1 in tests; "*" for every interface).
    public var bindAddress: String
    /// The port (UDP and/or TCP as `transport` says); 0 picks a free one (read it back from `SIPUserAgent.localPort`).
    public var port: UInt16
    /// What SIP listens on; outgoing requests can use TCP (a `;transport=tcp` URI) only when TCP is bound.
    public var transport: SIPTransport
    public var userAgent: String
    /// Decides each incoming INVITE on the signalling thread (keep it quick). Nil: ring and wait.
    public var incomingCallPolicy: (@Sendable (SIPCall, _ offer: String?) -> IncomingCallDecision)?
    /// Digest credentials for challenges to REGISTER or INVITE.
    public var credentials: SIPCredentials?
    /// The From of requests this agent starts (an account's address of record); nil: its own URI.
    public var identity: String?
    /// Where every request this agent starts is sent first (an account's registrar); nil: straight to the URI's host.
    public var outboundProxy: String?
    /// Who may call in (source networks, digest authentication); checked before the incoming-call policy.
    public var inbound: InboundRestrictions
    /// At most this many incoming calls at once; further INVITEs get 503 with `Retry-After`. Nil: no limit.
    public var maximumCalls: Int?
    /// The `Retry-After` seconds sent with a 503 (full, or shutting down).
    public var retryAfterSeconds = 30

    public init(bindAddress: String = "127.0.0.1", port: UInt16 = 5062, userAgent: String = "Ringside",
                incomingCallPolicy: (@Sendable (SIPCall, String?) -> IncomingCallDecision)? = nil, credentials: SIPCredentials? = nil,
                transport: SIPTransport = .both, inbound: InboundRestrictions = InboundRestrictions(),
                identity: String? = nil, outboundProxy: String? = nil) {
        self.identity = identity
        self.outboundProxy = outboundProxy
        self.bindAddress = bindAddress
        self.port = port
        self.userAgent = userAgent
        self.incomingCallPolicy = incomingCallPolicy
        self.credentials = credentials
        self.transport = transport
        self.inbound = inbound
    }
}
