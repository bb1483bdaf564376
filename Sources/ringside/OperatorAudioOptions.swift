import ArgumentParser
import Audio
import Foundation
import Logging
import RingsideCore
import Session

/// `--mic`, `--speaker`, `--server`, `--operator-input`: the operator's voice and ear during a takeover
/// (`serve` and `supervise`): a microphone (or a WAV file) that goes to the caller, and a speaker
/// switched to the call taken over.
struct OperatorAudioOptions: ParsableArguments {
    @Option(help: "PulseAudio server for the operator's microphone and speaker (default: PULSE_SERVER or the local one).")
    var server: String?

    @Option(help: "The operator's microphone (source) for takeovers, as listed by `ringside devices`.")
    var mic: String?

    @Option(help: "The operator's speaker (sink), where a taken-over call is heard.")
    var speaker: String?

    @Option(help: "The operator's voice from this WAV file instead of the microphone (played from the start of each takeover).")
    var operatorInput: String?

    func validate() throws {
        if let operatorInput, !FileManager.default.isReadableFile(atPath: operatorInput) {
            throw ValidationError("--operator-input \(operatorInput): no such readable file")
        }
    }

    private static let logger = Logger(label: "ringside.operator")

    /// The operator's speaker, switched to the call taken over; nil (with why) when there is no audio server.
    func openSpeaker() -> (MonitorSwitch?, String?) {
        var options = PulseStreamOptions(server: server, device: speaker, rate: .hz16000, bufferMilliseconds: 40, streamName: "operator")
        options.applicationName = "Ringside"
        do {
            let playback = try PulsePlayback(options: options, clock: MonotonicClock())
            playback.start()
            return (MonitorSwitch(speaker: playback), nil)
        } catch {
            return (nil, "no speaker for the operator (taken-over calls will not be heard): \(error)")
        }
    }

    /// The operator's voice for a takeover: opened when a takeover first reads it (or now, `openNow`:
    /// for a reader that must never wait, and to hear from this moment on) and closed when the takeover
    /// ends (not one capture per call). A microphone is read through a cushion, as the call's tick and
    /// the device's bursts are two clocks.
    func microphone(openNow: Bool = false) -> any AudioSource {
        let wav = operatorInput, server = self.server, device = mic
        let source = LazyAudioSource(rate: .hz16000, isLive: wav == nil) { Self.openMicrophone(wav: wav, server: server, device: device) }
        if openNow { source.opened() }
        return wav == nil ? CushionedSource(source) : source
    }

    /// A WAV file, or a capture of the microphone.
    private static func openMicrophone(wav: String?, server: String?, device: String?) -> (any AudioSource)? {
        do {
            if let wav { return try WAVFileSource(path: wav, rate: .hz16000) }
            var options = PulseStreamOptions(server: server, device: device, rate: .hz16000, bufferMilliseconds: 40, streamName: "operator")
            options.applicationName = "Ringside"
            let capture = try PulseCapture(options: options, clock: MonotonicClock())
            capture.start()
            return capture
        } catch {
            logger.warning("no microphone for the operator (type a line during a takeover): \(error)")
            return nil
        }
    }
}
