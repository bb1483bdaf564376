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
        subcommands: [Talk.self, Watch.self, Replay.self, Call.self, Serve.self, Supervise.self, TestCalls.self, ReportCommand.self, Doctor.self, Devices.self, TranscribeCommand.self, SayCommand.self, Audit.self, RepairWAV.self, UIDemoCommand.self, SIPProbe.self],
        defaultSubcommand: Talk.self
    )
}

/// Logging goes to stderr, quiet unless RINGSIDE_LOG asks for more; while the call screen owns the
/// terminal it goes to a file instead, so it cannot garble the screen.
enum CommandLogging {
    private static let once = LockedValue(false)

    static func bootstrap(file: String? = nil) {
        guard once.withLock({ done in defer { done = true }; return !done }) else { return }
        let level = ProcessInfo.processInfo.environment["RINGSIDE_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        if let file, FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) {
            let stream = FileLogStream(handle: handle)
            // No log line may carry a card number, an SSN or a date of birth.
            LoggingSystem.bootstrap { label in RedactingLogHandler(wrapping: FileLogHandler(label: label, level: level, stream: stream)) }
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return RedactingLogHandler(wrapping: handler)
        }
    }
}

/// Writes a line to standard error (the CLI's place for problems).
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("ringside: " + message + "\n").utf8))
}

/// Runs `handler` (on a global queue) for each SIGINT and SIGTERM instead of dying of them; the
/// handling lasts while the returned sources are kept.
func onTerminationSignals(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { signo in
        signal(signo, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        return source
    }
}
