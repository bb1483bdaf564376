import ArgumentParser
import Foundation

/// Options every benchmark command takes.
struct BenchOptions: ParsableArguments {
    @Option(help: "Folder for the JSON figures.")
    var output = ".bench"
    @Option(help: "PulseAudio server (default: PULSE_SERVER).")
    var server: String?
}

/// `ringside-bench all`: every benchmark in turn (audio, speech, the sample-call suite, session, tui, sip, serve, farm).
struct BenchAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "all", abstract: "Run every benchmark.")
    @OptionGroup var options: BenchOptions

    func run() async throws {
        try AudioBenchCommand.measure(options)
        let speech = try SpeechBench.parse(["--output", options.output + "/speech.json"])
        try await speech.run()
        let suite = try SuiteBench.parse(["--output", options.output])
        try await suite.run()
        let session = try SessionBench.parse(["--output", options.output] + (options.server.map { ["--server", $0] } ?? []))
        try await session.run()
        let turns = try TurnBench.parse(["--output", options.output])
        try await turns.run()
        let tui = try TUIBench.parse(["--output", options.output])
        try await tui.run()
        let sip = try SIPBenchCommand.parse(["--output", options.output])
        try await sip.run()
        let supervise = try SuperviseBenchCommand.parse(["--output", options.output])
        try await supervise.run()
        let serve = try ServeBenchCommand.parse(["--output", options.output])
        try await serve.run()
        let farm = try FarmBenchCommand.parse(["--output", options.output])
        try await farm.run()
    }
}

/// `ringside-bench audio`: codecs, resampler and the PulseAudio loop.
struct AudioBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audio", abstract: "Codecs, resampler and the PulseAudio loop.")
    @OptionGroup var options: BenchOptions

    func run() throws { try Self.measure(options) }

    static func measure(_ options: BenchOptions) throws {
        let report = try AudioBench.run(server: options.server ?? ProcessInfo.processInfo.environment["PULSE_SERVER"])
        report.printTable()
        try report.write(to: options.output)
    }
}
