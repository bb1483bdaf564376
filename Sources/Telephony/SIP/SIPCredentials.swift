/// A user name and password for SIP digest authentication, optionally tied to one realm.
public struct SIPCredentials: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String
    /// The realm to answer; nil answers whatever realm the challenge names.
    public var realm: String?

    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }

    /// Never shows the password (credentials end up in logs through string interpolation).
    public var description: String { "\(username)\(realm.map { " in realm \"\($0)\"" } ?? "") (password not shown)" }

    /// Sofia's `NUTAG_AUTH` form: `Digest:"realm":user:password`.
    func sofiaString(challengedRealm: String?) -> String {
        "Digest:\"\(realm ?? challengedRealm ?? "")\":\(username):\(password)"
    }
}
