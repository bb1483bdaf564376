import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// baresip running inside a test's own network namespace (its RTP binds every interface), with a
/// config folder written for the test: it auto-answers as `sip:bob@PEER:5060`, plays a WAV into
/// every call (and hangs up when the file ends), and dumps what it hears to `dump/*-dec.wav`.
public final class BaresipPeer: @unchecked Sendable {
    public let namespace: TestNetworkNamespace
    public let directory: URL
    public let process: ChildProcess
    public var uri: String { "sip:bob@\(namespace.peerAddress):5060" }

    /// `codec` ("opus" or "pcmu") restricts what baresip offers and accepts; the WAV (mono, 16-bit)
    /// plays at `wavRate` — give G.711 an 8 kHz file, since baresip 1.0's own 16→8 kHz resampler
    /// cuts everything above about 1.5 kHz; `dial` makes it call that URI once started;
    /// `dumpAudio` records what it hears (costs CPU: off for benchmarks). `pulseServer` plays what
    /// it hears into that PulseAudio server (paced like a sound card) instead of ALSA's null device,
    /// which takes audio as fast as it comes and so spins baresip's player thread.
    public init(executable: String, namespace: TestNetworkNamespace, playing wav: URL, wavRate: Int = 16000, codec: String, dial: String? = nil,
                dumpAudio: Bool = true, pulseServer: String? = nil) throws {
        self.namespace = namespace
        directory = try ProgramPaths.temporaryDirectory("ringside-baresip")
        let dump = directory.appendingPathComponent("dump")
        try FileManager.default.createDirectory(at: dump, withIntermediateDirectories: true)
        let config = """
            poll_method epoll
            sip_listen \(namespace.peerAddress):5060
            audio_player \(pulseServer == nil ? "alsa,null" : "pulse,")
            audio_alert \(pulseServer == nil ? "alsa,null" : "pulse,")
            audio_source aufile,\(wav.path)
            ausrc_srate \(wavRate)
            ausrc_channels 1
            auplay_srate 16000
            auplay_channels 1
            snd_path \(dump.path)
            module_path /usr/lib/baresip/modules
            module g711.so
            module opus.so
            module aufile.so
            module \(pulseServer == nil ? "alsa.so" : "pulse.so")
            \(dumpAudio ? "module sndfile.so" : "")
            module_tmp account.so
            module_app menu.so

            """
        try config.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let sdpCodec = codec == "opus" ? "opus/48000/2" : "PCMU/8000/1"
        try "<sip:bob@\(namespace.peerAddress)>;regint=0;answermode=auto;audio_codecs=\(sdpCodec)\n"
            .write(to: directory.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
        let log = open(directory.appendingPathComponent("baresip.log").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(log) }
        // -t bounds its life even if the test dies before `stop`.
        var arguments = ["-f", directory.path, "-t", "90"]
        if let dial { arguments += ["-e", "/dial \(dial)"] }
        process = try namespace.spawn(executable, arguments, environment: pulseServer.map { ["PULSE_SERVER": $0] } ?? [:], stdout: log, stderr: log)
    }

    public var log: String { (try? String(contentsOf: directory.appendingPathComponent("baresip.log"), encoding: .utf8)) ?? "" }

    /// The WAV of what baresip decoded from its last call (written by its sndfile module), if any.
    public var heardAudioFile: URL? {
        let dump = directory.appendingPathComponent("dump")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dump.path)) ?? []).filter { $0.hasSuffix("-dec.wav") }.sorted()
        return names.last.map { dump.appendingPathComponent($0) }
    }

    private let exited = Mutex(false)

    /// Whether baresip has exited (reaped once, remembered, so its pid is never signalled after).
    public var hasExited: Bool {
        exited.withLock { done in
            if !done { done = process.hasExited() }
            return done
        }
    }

    /// SIGTERM (baresip closes its calls and files), SIGKILL if it lingers; bounded. Safe to repeat.
    public func stop() {
        guard !hasExited else { return }
        process.signal(SIGTERM)
        for _ in 0..<100 {
            if hasExited { return }
            usleep(20_000)
        }
        process.signal(SIGKILL)
        process.wait()
        exited.withLock { $0 = true }
    }
}

