import ArgumentParser

/// `ringside-bench`: Ringside's benchmarks, run by `make bench`.
@main
struct RingsideBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringside-bench",
        abstract: "Ringside's benchmarks.",
        subcommands: [SpeechBench.self]
    )
}
