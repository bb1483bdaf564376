import ArgumentParser
import Foundation
import Logging
import RingsideCore

/// `ringside-bench`: Ringside's benchmarks, run by `make bench`.
@main
struct RingsideBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside-bench",
        abstract: "Ringside's benchmarks: print tables and write the figures as JSON under .bench/.",
        subcommands: [BenchAll.self, AudioBenchCommand.self, SpeechBench.self, SuiteBench.self, SessionBench.self, TurnBench.self, TUIBench.self, SIPBenchCommand.self, SuperviseBenchCommand.self, ServeBenchCommand.self, FarmBenchCommand.self],
        defaultSubcommand: BenchAll.self
    )
}

/// Logs to stderr at warning level unless RINGSIDE_LOG asks for more, so tables stay readable.
enum BenchLogging {
    private static let once = LockedValue(false)

    static func bootstrap() {
        guard once.withLock({ done in defer { done = true }; return !done }) else { return }
        let level = ProcessInfo.processInfo.environment["RINGSIDE_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
