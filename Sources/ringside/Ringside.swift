import Agent
import ArgumentParser
import Foundation
import Logging
import RingsideCore

/// The `ringside` command: parse, build what the subcommand needs, run. Nothing else lives here.
@main
struct Ringside: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside",
        abstract: "A terminal softphone and voice-agent test bench.",
        discussion: """
            Talk to a voice agent from your terminal, watch every turn's latency and tool calls, \
            take over as the human agent, and test agents against a library of sample calls.
            """,
        version: RingsideVersion.string,
        subcommands: [Doctor.self, Devices.self, Talk.self, TestCalls.self, Audit.self, RepairWAV.self, UIDemoCommand.self],
        defaultSubcommand: Doctor.self
    )
}

/// Logging goes to stderr, quiet unless RINGSIDE_LOG asks for more.
enum CommandLogging {
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["RINGSIDE_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            // No log line may carry a card number, an SSN or a date of birth.
            return RedactingLogHandler(wrapping: handler)
        }
    }
}

/// Writes a line to standard error (the CLI's place for problems).
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("ringside: " + message + "\n").utf8))
}
