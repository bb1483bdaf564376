import Agent
import ArgumentParser
import Foundation

/// `ringside audit`: work with an agent's hash-chained audit log.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an agent's audit log.",
        subcommands: [Verify.self]
    )

    /// `ringside audit verify FILE`: checks the chain and names the first tampered line.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an audit log's hash chain.",
            discussion: "Exits 0 when every line chains to the one before; otherwise prints FILE:LINE and why, and exits 1."
        )

        @Argument(help: "The audit log (JSONL).")
        var file: String

        func run() throws {
            let verdict: AuditVerifier.Verdict
            do {
                verdict = try AuditVerifier.verify(fileAt: URL(fileURLWithPath: file))
            } catch {
                printError("\(file): cannot read the audit log (\(error.localizedDescription))")
                throw ExitCode(2)
            }
            switch verdict {
            case .intact(let entries):
                print("\(file): ok, \(entries) entries, chain intact")
            case .tampered(let line, let reason):
                printError("\(file):\(line): tampered: \(reason)")
                throw ExitCode(1)
            }
        }
    }
}
