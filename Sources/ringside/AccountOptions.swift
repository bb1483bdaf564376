import ArgumentParser
import Foundation
import RingsideCore
import Telephony

/// `--account NAME` (and `--config FILE`): a SIP account from Ringside's configuration file.
struct AccountOptions: ParsableArguments {
    @Option(help: "The configuration file holding the accounts (and supervise's settings) (default: $RINGSIDE_CONFIG, else $XDG_CONFIG_HOME/ringside/config.yaml).")
    var config: String?

    @Option(help: "A SIP account from the configuration file: serve registers with its registrar (and unregisters on exit); call calls as it (From, its registrar as outbound proxy, its password for digest challenges).")
    var account: String?

    /// `--config` names the file accounts are read from: alone it does nothing (supervise reads its settings there too).
    func requireAccountWithConfig() throws {
        if config != nil, account == nil { throw ValidationError("--config needs --account NAME") }
    }

    /// The account named by `--account` with its credentials (nil without `--account`); prints why and
    /// exits 2 when the file, the account or its password is wrong. The password is never printed.
    func load() throws -> (account: SIPAccount, credentials: SIPCredentials?)? {
        guard let account else { return nil }
        do {
            let found = try SIPAccountsFile.load(config ?? SIPAccountsFile.defaultPath()).account(account)
            return (found, try found.credentials())
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}
