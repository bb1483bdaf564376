/// Who may call in: source networks and digest credentials, checked on every new INVITE before
/// anything rings. Empty restrictions let everyone in (the default, as before).
public struct InboundRestrictions: Sendable, CustomStringConvertible {
    /// INVITEs from addresses outside these networks get 403; nil allows every source.
    public var allowedNetworks: [IPNetwork]?
    /// When set, INVITEs are challenged (401) and need valid credentials (else 403).
    public var authenticator: DigestAuthenticator?

    public init(allowedNetworks: [IPNetwork]? = nil, authenticator: DigestAuthenticator? = nil) {
        self.allowedNetworks = allowedNetworks
        self.authenticator = authenticator
    }

    public var description: String {
        var parts: [String] = []
        if let allowedNetworks { parts.append("calls from \(allowedNetworks.map(\.description).joined(separator: ", ")) only") }
        if let authenticator { parts.append(authenticator.description) }
        return parts.isEmpty ? "no restrictions" : parts.joined(separator: "; ")
    }

    /// The first check a request from `source` fails, as the response to send; nil when it may proceed.
    func screen(source: String?, method: String, requestURI: String?, authorization: DigestAuthorization?) -> InboundScreening {
        if let allowedNetworks {
            guard let source, allowedNetworks.contains(where: { $0.contains(source) }) else {
                return .refuse(InboundRefusal(source: source ?? "an unknown address", status: 403, reason: "source not in the allowed networks"))
            }
        }
        guard let authenticator else { return .admit(username: nil) }
        switch authenticator.verify(method: method, requestURI: requestURI, authorization: authorization) {
        case let .accepted(username): return .admit(username: username)
        case let .challenge(stale): return .challenge(authenticator.challenge(stale: stale))
        case let .refused(reason): return .refuse(InboundRefusal(source: source ?? "an unknown address", status: 403, reason: reason))
        }
    }
}

/// What `InboundRestrictions.screen` decided for one request.
enum InboundScreening: Equatable {
    case admit(username: String?)
    /// Answer 401 with this `WWW-Authenticate` value.
    case challenge(String)
    case refuse(InboundRefusal)
}

/// An incoming request turned away by `InboundRestrictions` (counted, logged, and on the event stream).
public struct InboundRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The numeric address the request came from.
    public var source: String
    public var status: Int
    public var reason: String

    public var description: String { "refused INVITE from \(source) with \(status): \(reason)" }
}
