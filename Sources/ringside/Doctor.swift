import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Speech
import Telephony
import TUI

/// `ringside doctor`: checks every library, model, voice and service Ringside needs, and says how to fix each.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check libraries, speech models, voices, the audio server and ports.",
        discussion: "Exits non-zero when something required is missing; each problem comes with its fix."
    )

    @Option(name: .customLong("model-dir"), help: "Folder of the pocketsphinx en-us model (default: RINGSIDE_SPHINX_MODEL or Debian's).")
    var modelDirectory: String?

    @Option(help: "PulseAudio server to check (default: PULSE_SERVER or the local one).")
    var server: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    struct Check: Codable {
        enum Status: String, Codable { case ok, missing, warning }
        var name: String
        var status: Status
        var detail: String
        var fix: String?
        var required: Bool
    }

    func run() throws {
        let checks = runChecks()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(checks), as: UTF8.self))
        } else {
            let width = (checks.map(\.name.count).max() ?? 10) + 2
            for c in checks {
                let status = c.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
                let name = c.name.padding(toLength: width, withPad: " ", startingAt: 0)
                print("\(status) \(name)\(c.detail)")
                if c.status != .ok, let fix = c.fix { print("         \(String(repeating: " ", count: width))fix: \(fix)") }
            }
        }
        let failed = checks.filter { $0.required && $0.status != .ok }
        if !failed.isEmpty {
            printError("missing: \(failed.map(\.name).joined(separator: ", "))")
            throw ExitCode.failure
        }
    }

    func runChecks() -> [Check] {
        var checks: [Check] = []
        let aptFix = "sudo apt-get install -y"
        checks.append(Check(name: "ncursesw", status: .ok, detail: Curses.version, fix: nil, required: true))
        checks.append(Check(name: "libpulse", status: .ok, detail: PulseDevices.libraryVersion, fix: nil, required: true))
        do {
            let codec = try OpusCodec()
            _ = try codec.encode(.silence(rate: .hz48000, at: .zero))
            checks.append(Check(name: "opus", status: .ok, detail: OpusCodec.libraryVersion, fix: nil, required: true))
        } catch {
            checks.append(Check(name: "opus", status: .missing, detail: "\(error)", fix: "\(aptFix) libopus0", required: true))
        }
        do {
            _ = try Resampler(from: 48000, to: 16000)
            checks.append(Check(name: "speexdsp", status: .ok, detail: "resampler ready", fix: nil, required: true))
        } catch {
            checks.append(Check(name: "speexdsp", status: .missing, detail: "\(error)", fix: "\(aptFix) libspeexdsp1", required: true))
        }
        checks.append(Check(name: "sofia-sip", status: .ok, detail: SofiaSIP.version, fix: nil, required: true))
        do {
            let model = try AcousticModel.locate(directory: modelDirectory)
            if model.configurationLoads() {
                checks.append(Check(name: "pocketsphinx model", status: .ok, detail: model.hmm, fix: nil, required: true))
            } else {
                checks.append(Check(name: "pocketsphinx model", status: .missing, detail: "configuration for \(model.hmm) does not load",
                                    fix: "\(aptFix) pocketsphinx-en-us", required: true))
            }
        } catch {
            checks.append(Check(name: "pocketsphinx model", status: .missing, detail: "\(error)", fix: "\(aptFix) pocketsphinx-en-us", required: true))
        }
        let whisperPath = WhisperModel.defaultModelPath()
        if let problem = WhisperModel.availability(path: whisperPath) {
            checks.append(Check(name: "whisper", status: .warning, detail: "\(problem.reason); finals fall back to pocketsphinx",
                                fix: problem.fix, required: false))
        } else {
            do {
                _ = try WhisperModel.shared(path: whisperPath)
                checks.append(Check(name: "whisper", status: .ok, detail: "whisper.cpp \(WhisperModel.libraryVersion), tiny.en at \(whisperPath)",
                                    fix: nil, required: false))
            } catch {
                checks.append(Check(name: "whisper", status: .warning, detail: "\(error)", fix: "run `make setup`", required: false))
            }
        }
        let voices = FliteVoices.available()
        let missingVoices = FliteVoices.names.filter { !voices.contains($0) }
        checks.append(Check(name: "flite voices", status: missingVoices.isEmpty ? .ok : .missing,
                            detail: missingVoices.isEmpty ? voices.joined(separator: " ") : "missing: \(missingVoices.joined(separator: " "))",
                            fix: "\(aptFix) flite1-dev", required: true))
        do {
            let rate = try EspeakLibrary.initialise()
            checks.append(Check(name: "espeak-ng", status: .ok, detail: "\(EspeakLibrary.version), \(rate) Hz", fix: nil, required: true))
        } catch {
            checks.append(Check(name: "espeak-ng", status: .missing, detail: "\(error)", fix: "\(aptFix) espeak-ng-data", required: true))
        }
        do {
            let info = try PulseDevices.query(server: server)
            let mic = info.defaultSource ?? "none"
            let speaker = info.defaultSink ?? "none"
            checks.append(Check(name: "audio server", status: .ok,
                                detail: "\(info.serverName) \(info.serverVersion); mic \(mic); speaker \(speaker)", fix: nil, required: false))
        } catch {
            checks.append(Check(name: "audio server", status: .warning, detail: "\(error)",
                                fix: "start pulseaudio or pipewire-pulse, or use --input FILE.wav / --output FILE.wav", required: false))
        }
        for (port, transport) in [(UInt16(5060), PortProbe.Transport.udp), (5060, .tcp)] {
            let free = PortProbe.isFree(port: port, transport: transport)
            checks.append(Check(name: "port \(port)/\(transport.rawValue)", status: free ? .ok : .warning,
                                detail: free ? "free on 127.0.0.1" : "in use on 127.0.0.1",
                                fix: "stop the other SIP service or pass --sip-port", required: false))
        }
        return checks
    }
}
