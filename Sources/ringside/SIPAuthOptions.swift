import ArgumentParser
import Telephony

/// `--auth-user` and `--auth-password-file`: SIP digest credentials, shared by `serve` (which asks
/// callers for them) and `call` (which answers the far end's challenges with them).
struct SIPAuthOptions: ParsableArguments {
    @Option(help: "SIP digest user name: serve challenges callers for it (401, MD5, qop=auth; wrong credentials get 403), call answers 401/407 challenges with it. The password comes from --auth-password-file, else $RINGSIDE_SERVE_PASSWORD (serve) or $RINGSIDE_CALL_PASSWORD (call).")
    var authUser: String?

    @Option(help: "A file holding the password on its first line, readable only by you (chmod 600).")
    var authPasswordFile: String?

    func validate() throws {
        if authPasswordFile != nil, authUser == nil { throw ValidationError("--auth-password-file needs --auth-user") }
    }

    /// The user name with its password (nil without `--auth-user`); prints why and exits 2 when the
    /// password cannot be had. `environment` is the command's password variable.
    func credentials(environment variable: String) throws -> SIPCredentials? {
        guard let authUser else { return nil }
        return SIPCredentials(username: authUser, password: try SIPPassword.resolve(file: authPasswordFile, environment: variable, forWhat: "--auth-user"))
    }
}
