import ArgumentParser
import Foundation

/// `ringside-bench`: Ringside's latency and throughput figures. Prints tables, writes `.bench/*.json`.
@main
struct RingsideBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside-bench",
        abstract: "Measure Ringside's latency and throughput; print tables and write JSON.",
        subcommands: [All.self, AudioCommand.self],
        defaultSubcommand: All.self
    )

    /// Options every benchmark takes.
    struct Common: ParsableArguments {
        @Option(help: "Folder for the JSON figures.")
        var output = ".bench"
        @Option(help: "PulseAudio server (default: PULSE_SERVER).")
        var server: String?
    }

    struct All: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run every benchmark.")
        @OptionGroup var common: Common
        func run() throws {
            try AudioCommand.measure(common)
        }
    }

    struct AudioCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "audio", abstract: "Codecs, resampler and the PulseAudio loop.")
        @OptionGroup var common: Common
        func run() throws { try Self.measure(common) }

        static func measure(_ common: Common) throws {
            let report = try AudioBench.run(server: common.server ?? ProcessInfo.processInfo.environment["PULSE_SERVER"])
            report.printTable()
            try report.write(to: common.output)
        }
    }
}
