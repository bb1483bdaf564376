/// One call leg the user agent knows about, incoming or outgoing. Cheap to copy; compared by `id`.
public struct SIPCall: Sendable, Hashable, CustomStringConvertible {
    /// Which side started the call.
    public enum Direction: String, Sendable { case incoming, outgoing }

    /// Ringside's number for this call, unique within one user agent.
    public let id: Int
    public let direction: Direction
    /// The other party's URI (From of an incoming INVITE, the dialled URI of an outgoing one).
    public let remoteURI: String
    /// The SIP Call-ID when known.
    public let callID: String?
    /// The transport an incoming INVITE arrived over ("UDP", "TCP"), when known.
    public let transport: String?
    /// The digest user name an incoming call authenticated as, when serve asks for credentials.
    public let authenticatedUser: String?

    public init(id: Int, direction: Direction, remoteURI: String, callID: String?, transport: String? = nil, authenticatedUser: String? = nil) {
        self.id = id
        self.direction = direction
        self.remoteURI = remoteURI
        self.callID = callID
        self.transport = transport
        self.authenticatedUser = authenticatedUser
    }

    public static func == (a: SIPCall, b: SIPCall) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
    public var description: String { "call \(id) (\(direction.rawValue) \(remoteURI))" }
}
