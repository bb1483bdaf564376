import ArgumentParser
import Audio
import Foundation

/// `ringside devices`: the audio server's sources and sinks.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List audio sources (microphones) and sinks (speakers).",
        discussion: "The default device of each kind is marked with *. Monitors hear what a sink plays."
    )

    @Option(help: "PulseAudio server to ask (default: PULSE_SERVER or the local one).")
    var server: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let info: AudioServerInfo
        do {
            info = try PulseDevices.query(server: server)
        } catch let error as AudioServerError {
            printError(error.description)
            throw ExitCode(3)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(info), as: UTF8.self))
            return
        }
        print("server: \(info.serverName) \(info.serverVersion)\(info.isPipeWire ? " (PipeWire)" : "")")
        for kind in [AudioDevice.Kind.source, .sink] {
            print(kind == .source ? "\nsources (microphones):" : "\nsinks (speakers):")
            let devices = info.devices.filter { $0.kind == kind }
            if devices.isEmpty { print("  (none)") }
            for d in devices {
                let mark = d.isDefault ? "*" : " "
                let monitor = d.isMonitor ? " [monitor]" : ""
                print("  \(mark) \(d.name)  \(d.sampleRate) Hz \(d.channels) ch  \(d.description)\(monitor)")
            }
        }
    }
}
