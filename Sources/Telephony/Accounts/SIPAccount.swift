import Foundation
import RingsideCore

/// A SIP account from the configuration file: who Ringside is at a registrar (`ringside serve
/// --account` registers there; `ringside call --account` calls as it). Holds where the password
/// comes from, never the password itself, so an account can be shown and logged as it is.
public struct SIPAccount: Sendable, Equatable, CustomStringConvertible {
    /// Where the digest password is read when it is needed.
    public enum PasswordSource: Sendable, Equatable {
        /// An environment variable.
        case environment(String)
        /// A file readable only by its owner (see `PasswordFile`).
        case file(String)
    }

    /// The account's name under `accounts:`.
    public var name: String
    /// The registrar, e.g. `sip:pbx.example.com` (also the outbound proxy of `ringside call --account`).
    public var registrar: String
    public var user: String
    /// The address-of-record's host; default: the registrar's host.
    public var domain: String?
    /// The full address-of-record; default: `sip:USER@DOMAIN`.
    public var aor: String?
    /// The user name digest answers give; default: `user`.
    public var authUser: String?
    public var password: PasswordSource?
    /// Registration lifetime asked for, in seconds; nil leaves it to the registrar.
    public var expires: Int?
    /// The transport to the registrar (UDP or TCP); nil: what the registrar URI says, else UDP.
    public var transport: SIPTransport?
    /// Where the account's name stands in the configuration file (for messages about it).
    public var location: SourceLocation

    public init(name: String, registrar: String, user: String, domain: String? = nil, aor: String? = nil, authUser: String? = nil,
                password: PasswordSource? = nil, expires: Int? = nil, transport: SIPTransport? = nil, location: SourceLocation = SourceLocation(file: "")) {
        self.name = name
        self.registrar = registrar
        self.user = user
        self.domain = domain
        self.aor = aor
        self.authUser = authUser
        self.password = password
        self.expires = expires
        self.transport = transport
        self.location = location
    }

    /// The address of record registered and used as From.
    public var addressOfRecord: String { aor ?? "sip:\(user)@\(domain ?? Self.host(of: registrar))" }

    /// The registrar URI with the account's transport as a parameter.
    public var registrarURI: String {
        guard let transport, transport != .both, !registrar.contains(";transport=") else { return registrar }
        return "\(registrar);transport=\(transport.rawValue)"
    }

    /// The digest credentials, reading the password from its source; nil when the account has none.
    public func credentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws(SIPAccountError) -> SIPCredentials? {
        guard let password else { return nil }
        let secret: String
        switch password {
        case let .environment(variable):
            guard let value = environment[variable], !value.isEmpty else { throw .passwordMissing(account: name, variable: variable, location: location) }
            secret = value
        case let .file(path):
            do { secret = try PasswordFile.read(path) } catch let error as PasswordFileError {
                throw .passwordFile(account: name, error, location: location)
            } catch {
                throw .passwordFile(account: name, .unreadable(path: path, reason: "\(error)"), location: location)
            }
        }
        return SIPCredentials(username: authUser ?? user, password: secret)
    }

    public var description: String {
        var s = "account \(name): \(addressOfRecord) at \(registrarURI)"
        if let authUser { s += ", auth user \(authUser)" }
        switch password {
        case let .environment(v)?: s += ", password from $\(v)"
        case let .file(p)?: s += ", password from \(p)"
        case nil: s += ", no password"
        }
        if let expires { s += ", expires \(expires) s" }
        return s
    }

    /// `sip:user@host:port;params` → `host:port`.
    static func host(of uri: String) -> String {
        var rest = Substring(uri)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].lowercased().hasPrefix("sip") { rest = rest[rest.index(after: colon)...] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if let end = rest.firstIndex(where: { $0 == ";" || $0 == "?" || $0 == ">" }) { rest = rest[..<end] }
        return String(rest)
    }
}

/// Why an account's password could not be had.
public enum SIPAccountError: Error, Sendable, Equatable, CustomStringConvertible {
    case passwordMissing(account: String, variable: String, location: SourceLocation)
    case passwordFile(account: String, PasswordFileError, location: SourceLocation)

    public var description: String {
        switch self {
        case let .passwordMissing(a, v, l): return "\(l): account \(a): its password_env \(v) is not set (export \(v)=… before starting ringside)"
        case let .passwordFile(a, e, l): return "\(l): account \(a): \(e)"
        }
    }
}
