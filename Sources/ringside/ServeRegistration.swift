import Foundation
import Logging
import RingsideCore
import Telephony

/// `ringside serve --account`: registers the served agent with the account's registrar (so calls to
/// its address of record reach serve), says how that goes, and unregisters on the way out. nua
/// refreshes the registration by itself before it expires; each refresh is reported too.
final class ServeRegistration: Sendable {
    let account: SIPAccount
    private let credentials: SIPCredentials?
    private let state = LockedValue(State())
    private let logger = Logger(label: "ringside.serve")

    private struct State {
        var registered = false
        var stopping = false
    }

    /// Nil without `--account`; exits 2 (saying why) when the account cannot be used.
    init?(_ options: AccountOptions) throws {
        guard let (account, credentials) = try options.load() else { return nil }
        self.account = account
        self.credentials = credentials
    }

    /// Requests serve starts go out as the account, and its registrar's challenges are answered.
    func apply(to configuration: inout SIPConfiguration) {
        configuration.identity = account.addressOfRecord
        configuration.credentials = credentials
    }

    /// Sends the first REGISTER (the answer comes back through `changed`).
    func start(_ phone: SIPPhone) throws {
        logger.info("registering with \(account)")
        try phone.register(aor: account.addressOfRecord, contactUser: account.user, registrar: account.registrarURI, expires: account.expires)
    }

    /// A registrar's answer, as a line for the log or the board's header; nil when there is nothing to say.
    func changed(registered: Bool, status: Int, phrase: String) -> String? {
        let (wasRegistered, stopping) = state.withLock { s in
            defer { if !s.stopping { s.registered = registered } }
            return (s.registered, s.stopping)
        }
        if stopping { return nil }
        if registered {
            let line = wasRegistered ? "registration of \(account.addressOfRecord) refreshed (\(status) \(phrase))"
                : "registered \(account.addressOfRecord) at \(account.registrarURI) (\(status) \(phrase))"
            logger.info("\(line)")
            return line
        }
        let line = "\(account.addressOfRecord) is not registered at \(account.registrarURI): \(status) \(phrase)"
        logger.warning("\(line)")
        return line
    }

    /// The header's note on the board.
    var summary: String {
        state.value.registered ? "● registered \(account.addressOfRecord)" : "○ not registered \(account.addressOfRecord)"
    }

    /// Unregisters (waiting at most `timeout` seconds for the registrar) and says how that went.
    func stop(_ phone: SIPPhone, timeout: Double = 5) async {
        guard state.withLock({ s in defer { s.stopping = true }; return !s.stopping }) else { return }
        if let answer = await phone.agent.unregister(timeout: timeout) {
            Self.say(answer.status < 300 ? "unregistered \(account.addressOfRecord) (\(answer.status) \(answer.phrase))"
                     : "could not unregister \(account.addressOfRecord): \(answer.status) \(answer.phrase)")
        } else {
            Self.say("could not unregister \(account.addressOfRecord): \(account.registrarURI) did not answer in \(timeout.formatted(.number.precision(.fractionLength(0...1)))) s")
        }
    }

    /// Prints a line at once (standard output is block-buffered when it is a file or a pipe, and whoever
    /// watches serve's log wants to see the registration as it happens).
    static func say(_ line: String) {
        print(line)
        fflush(nil)  // every stream: naming stdout is not concurrency-safe in Swift 6
    }
}
