import ArgumentParser
import Foundation
import Logging

/// `ringside-bench`: Ringside's benchmarks, run by `make bench`.
@main
struct RingsideBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside-bench",
        abstract: "Ringside's benchmarks.",
        subcommands: [SpeechBench.self]
    )
}

/// Logs to stderr at warning level unless RINGSIDE_LOG asks for more, so tables stay readable.
enum BenchLogging {
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["RINGSIDE_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
