import ArgumentParser

/// `ringside-bench`: Ringside's benchmarks, run by `make bench`.
@main
struct RingsideBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside-bench",
        abstract: "Ringside's benchmarks: print tables and write the figures as JSON under .bench/.",
        subcommands: [BenchAll.self, AudioBenchCommand.self, SpeechBench.self, SuiteBench.self],
        defaultSubcommand: BenchAll.self
    )
}
