/// Who may call in: source networks and digest credentials, checked on every new INVITE before
/// anything rings. Empty restrictions let everyone in (the default, as before).
public struct InboundRestrictions: Sendable, CustomStringConvertible {
    /// INVITEs from addresses outside these networks get 403; nil allows every source.
    public var allowedNetworks: [IPNetwork]?
    /// When set, INVITEs are challenged (401) and need valid credentials (else 403).
    public var authenticator: DigestAuthenticator?
    /// Slows guessing: per-source back-off after wrong credentials (used with `authenticator`; nil: none).
    public var guessing: GuessingGuard?

    public init(allowedNetworks: [IPNetwork]? = nil, authenticator: DigestAuthenticator? = nil,
                guessing: GuessingGuard? = GuessingGuard()) {
        self.allowedNetworks = allowedNetworks
        self.authenticator = authenticator
        self.guessing = guessing
    }

    public var description: String {
        var parts: [String] = []
        if let allowedNetworks { parts.append("calls from \(allowedNetworks.map(\.description).joined(separator: ", ")) only") }
        if let authenticator {
            parts.append(authenticator.description)
            if let guessing { parts.append(guessing.description) }
        }
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
        let from = source ?? "an unknown address"
        // Guessing is counted per address and user name: behind a proxy or a shared NAT every caller has
        // the same address, and one caller's typos must not lock the others out.
        let guesser = authorization.map { "\(from) as \"\($0.username)\"" } ?? from
        if let guessing, let wait = guessing.backoffRemaining(for: guesser) {
            // Backing off: refused without looking at the credentials, and without a log line each.
            return .refuse(InboundRefusal(source: from, status: 403, reason: "backing off after wrong passwords", retryAfter: wait, quiet: true))
        }
        switch authenticator.verify(method: method, requestURI: requestURI, authorization: authorization) {
        case let .accepted(username):
            guessing?.succeeded(source: guesser)
            return .admit(username: username)
        case let .challenge(stale): return .challenge(authenticator.challenge(stale: stale))
        case let .refused(reason):
            guard let guessing else { return .refuse(InboundRefusal(source: from, status: 403, reason: reason)) }
            let notice = guessing.failed(source: guesser)
            // Each of the first few is logged; then one line when a back-off starts.
            return .refuse(InboundRefusal(source: from, status: 403, reason: reason, notice: notice.map { "\($0) (last: \(reason))" }))
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
    /// Sent as `Retry-After` (a source backing off after wrong passwords).
    public var retryAfter: Int?
    /// The line worth a warning in the log; nil for refusals that are part of a burst already logged
    /// (guessing), which are logged at debug level only.
    public var notice: String?

    /// `quiet`: part of a burst logged once (`notice` nil), else `notice` or, by default, the refusal itself.
    public init(source: String, status: Int, reason: String, retryAfter: Int? = nil, notice: String? = nil, quiet: Bool = false) {
        self.source = source
        self.status = status
        self.reason = reason
        self.retryAfter = retryAfter
        self.notice = quiet ? notice : (notice ?? "refused INVITE from \(source) with \(status): \(reason)")
    }

    public var description: String { "refused INVITE from \(source) with \(status): \(reason)" }
}
