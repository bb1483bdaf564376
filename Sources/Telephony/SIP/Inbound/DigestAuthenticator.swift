import Foundation
import RingsideCore

/// Checks SIP digest credentials on incoming requests (server side): issues nonces that expire,
/// verifies `Authorization` responses (MD5, qop=auth) itself and refuses replayed nonce counts.
///
/// Used by `SIPUserAgent` on its signalling thread; the lock makes it safe anywhere. The password is
/// never part of a description, a verdict or a log line.
public final class DigestAuthenticator: @unchecked Sendable, CustomStringConvertible {
    /// What to do with one request.
    public enum Verdict: Sendable, Equatable {
        case accepted(username: String)
        /// Answer 401 with `challenge()`; `stale` when the credentials were right but the nonce had expired.
        case challenge(stale: Bool)
        /// Answer 403: the reason is for logs (it names the user, never the password).
        case refused(reason: String)
    }

    public let username: String
    public let realm: String
    private let password: String
    private let nonceLifetime: MediaTime
    private let clock: any CallClock
    private let maximumNonces: Int
    private let lock = NSLock()
    /// Issued nonces: when, and the highest nonce count accepted with each.
    private var nonces: [String: (issued: MediaTime, lastCount: UInt32)] = [:]

    public init(username: String, password: String, realm: String = "ringside", nonceLifetime: MediaTime = .seconds(300),
                clock: any CallClock = MonotonicClock(), maximumNonces: Int = 4096) {
        self.username = username
        self.password = password
        self.realm = realm
        self.nonceLifetime = nonceLifetime
        self.clock = clock
        self.maximumNonces = maximumNonces
    }

    public var description: String { "digest authentication for \"\(username)\" in realm \"\(realm)\"" }

    /// A fresh `WWW-Authenticate` value: `Digest realm="…", nonce="…", algorithm=MD5, qop="auth"`.
    public func challenge(stale: Bool = false) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let nonce = bytes.map { String(format: "%02x", $0) }.joined()
        lock.withLock {
            let now = clock.now()
            nonces = nonces.filter { now - $0.value.issued <= nonceLifetime }
            if nonces.count >= maximumNonces, let oldest = nonces.min(by: { $0.value.issued < $1.value.issued })?.key {
                nonces.removeValue(forKey: oldest)
            }
            nonces[nonce] = (now, 0)
        }
        return "Digest realm=\"\(realm)\", nonce=\"\(nonce)\", algorithm=MD5, qop=\"auth\"\(stale ? ", stale=true" : "")"
    }

    /// Judges a request's credentials: nil `authorization` (none sent) asks for a challenge.
    public func verify(method: String, requestURI: String?, authorization: DigestAuthorization?) -> Verdict {
        guard let authorization else { return .challenge(stale: false) }
        guard authorization.username == username else { return .refused(reason: "unknown user \"\(authorization.username)\"") }
        guard authorization.realm == realm else { return .refused(reason: "realm \"\(authorization.realm)\" is not \"\(realm)\"") }
        if let algorithm = authorization.algorithm, algorithm.uppercased() != "MD5" {
            return .refused(reason: "digest algorithm \(algorithm) is not supported (MD5 is)")
        }
        guard authorization.qop?.lowercased() == "auth", let ncText = authorization.nonceCount, let count = UInt32(ncText, radix: 16),
              authorization.cnonce != nil else {
            return .refused(reason: "digest without qop=auth, nc and cnonce")
        }
        // The digest's uri must name the host this request went to (callers differ on the user part: sipp leaves it out).
        if let requestURI, Self.hostPort(authorization.uri) != Self.hostPort(requestURI) {
            return .refused(reason: "digest uri \(authorization.uri) is not the request's \(requestURI)")
        }
        let expected = authorization.expectedResponse(method: method, password: password)
        let correct = Self.constantTimeEqual(expected, authorization.response.lowercased())
        return lock.withLock {
            guard let issued = nonces[authorization.nonce] else {
                // Not a nonce of ours (or forgotten since): ask again rather than judge the password.
                return correct ? .challenge(stale: true) : .challenge(stale: false)
            }
            guard correct else { return .refused(reason: "wrong credentials for \"\(authorization.username)\"") }
            if clock.now() - issued.issued > nonceLifetime {
                nonces.removeValue(forKey: authorization.nonce)
                return .challenge(stale: true)
            }
            guard count > issued.lastCount else { return .refused(reason: "nonce count \(ncText) replayed by \"\(authorization.username)\"") }
            nonces[authorization.nonce]?.lastCount = count
            return .accepted(username: authorization.username)
        }
    }

    /// `host:port` of a SIP URI, lower-cased, without scheme, user or parameters.
    static func hostPort(_ uri: String) -> String {
        var rest = Substring(uri.lowercased())
        if let colon = rest.firstIndex(of: ":"), ["sip", "sips"].contains(rest[..<colon]) { rest = rest[rest.index(after: colon)...] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest.prefix { $0 != ";" && $0 != "?" })
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
