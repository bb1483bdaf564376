import ArgumentParser
import Foundation
import Telephony

/// `ringside sip-probe URI`: sends OPTIONS and prints the answer — a quick check that SIP works end to end.
struct SIPProbe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sip-probe",
        abstract: "Send SIP OPTIONS to a URI and print the response.",
        discussion: """
            Checks that Ringside's SIP stack can reach a peer: prints the status line and the peer's \
            Server header. Exits 0 on a 2xx answer, 1 on any other answer, 2 when nothing answers.
            Example: ringside sip-probe sip:127.0.0.1:5060
            """,
        shouldDisplay: false
    )

    @Argument(help: "The SIP URI to probe, e.g. sip:alice@127.0.0.1:5060.")
    var uri: String

    @Option(help: "Local address to bind SIP to.")
    var bind = "127.0.0.1"

    @Option(help: "Local UDP port (0 picks a free one).")
    var port: UInt16 = 0

    @Option(help: "Seconds to wait for an answer.")
    var timeout: Double = 5

    func run() async throws {
        CommandLogging.bootstrap()
        let agent = SIPUserAgent(configuration: SIPConfiguration(bindAddress: bind, port: port, userAgent: "Ringside sip-probe"))
        do {
            try agent.start()
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        let started = Date()
        do {
            let response = try await agent.options(uri: uri, timeout: timeout)
            let ms = Date().timeIntervalSince(started) * 1000
            print("\(uri): \(response.status) \(response.phrase) in \(String(format: "%.0f", ms)) ms")
            if let server = response.server { print("server: \(server)") }
            await agent.shutdown()
            if !response.isSuccess { throw ExitCode(1) }
        } catch let error as SIPError {
            await agent.shutdown()
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}
