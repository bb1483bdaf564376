/// A user name and password for SIP digest authentication, optionally tied to one realm.
public struct SIPCredentials: Sendable, Equatable {
    public var username: String
    public var password: String
    /// The realm to answer; nil answers whatever realm the challenge names.
    public var realm: String?

    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }

    /// Sofia's `NUTAG_AUTH` form: `Digest:"realm":user:password`.
    func sofiaString(challengedRealm: String?) -> String {
        "Digest:\"\(realm ?? challengedRealm ?? "")\":\(username):\(password)"
    }
}
