import ArgumentParser
import Foundation
import RingsideCore
import Telephony

extension SIPTransport: ExpressibleByArgument {}

/// `ringside serve`'s SIP options: transports, who may call in, and when a silent call is ended.
struct ServeSIPOptions: ParsableArguments {
    @Option(help: "SIP transports to listen on: udp, tcp or both.")
    var transport: SIPTransport = .both

    @Option(help: "Take calls only from these networks, comma-separated (e.g. 127.0.0.0/8,::1/128); INVITEs from elsewhere get 403.")
    var allow: String?

    @OptionGroup
    var auth: SIPAuthOptions

    @Option(help: "The realm named in digest challenges.")
    var authRealm = "ringside"

    @Option(help: "After --auth-backoff-after wrong passwords from one address, refuse it (403, Retry-After) without checking for this many seconds, doubling with each further failure up to 5 minutes; 0 turns this off.")
    var authBackoff: Double = 1

    @Option(help: "Wrong passwords one address may send before --auth-backoff starts.")
    var authBackoffAfter = 5

    @Option(help: "End a call (BYE) when the caller has sent no RTP for this many seconds (not while on hold).")
    var rtpTimeout: Double = 20

    func validate() throws {
        if let allow { _ = try parseNetworks(allow) }
        guard rtpTimeout > 0 else { throw ValidationError("--rtp-timeout must be more than 0 seconds") }
        guard authBackoff >= 0, authBackoff <= 300 else { throw ValidationError("--auth-backoff must be from 0 to 300 seconds") }
        guard authBackoffAfter >= 1 else { throw ValidationError("--auth-backoff-after must be at least 1") }
    }

    /// Who may call in; prints why and exits 2 when the password cannot be had.
    func inbound() throws -> InboundRestrictions {
        let guessing = authBackoff > 0 ? GuessingGuard(policy: .init(freeFailures: authBackoffAfter, initialBackoff: .seconds(authBackoff))) : nil
        var restrictions = InboundRestrictions(allowedNetworks: try allow.map(parseNetworks), guessing: guessing)
        if let credentials = try auth.credentials(environment: "RINGSIDE_SERVE_PASSWORD") {
            restrictions.authenticator = DigestAuthenticator(username: credentials.username, password: credentials.password, realm: authRealm)
        }
        return restrictions
    }

    /// The SIP configuration serve listens with.
    func configuration(address: String, port: UInt16) throws -> SIPConfiguration {
        SIPConfiguration(bindAddress: address, port: port, transport: transport, inbound: try inbound())
    }

    private func parseNetworks(_ text: String) throws -> [IPNetwork] {
        do { return try IPNetwork.list(text) } catch { throw ValidationError("--allow: \(error)") }
    }
}

/// Where a SIP password comes from: a file only its owner can read, else an environment variable.
enum SIPPassword {
    static func resolve(file: String?, environment variable: String, forWhat option: String) throws -> String {
        if let file {
            do { return try PasswordFile.read(file) } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
        printError("\(option) needs a password: set \(variable) or give --auth-password-file FILE (readable only by you)")
        throw ExitCode(2)
    }
}
