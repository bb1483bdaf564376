import Audio
import Foundation
import Logging
import RingsideCore
import Synchronization

/// Which voice activity detector hears a call: `EnergyVAD` (level over an adaptive noise floor) or
/// `SileroVAD` (a small learned model that tells voices from other sounds).
public enum VADChoice: String, Sendable, CaseIterable {
    case energy, silero

    /// Makes this kind of detector, one per stream. For `.silero` the model server is started now;
    /// when it cannot run (not installed, no Python), `warn` gets one line saying why and the detectors
    /// are `EnergyVAD`s. The second value is the service, to close or measure (nil for energy).
    public func detectors(environment: [String: String] = ProcessInfo.processInfo.environment,
                          warn: (String) -> Void) -> (VADFactory, SileroVADService?) {
        guard self == .silero else { return ({ EnergyVAD() }, nil) }
        do {
            let service = try SileroVADService(environment: environment)
            try service.start()
            return ({ service.detector() }, service)
        } catch {
            warn("Silero VAD unavailable (\(error)); voice activity is detected by energy")
            return ({ EnergyVAD() }, nil)
        }
    }
}

/// Makes a voice activity detector for one stream.
public typealias VADFactory = @Sendable () -> any VoiceActivityDetector

/// Silero VAD v5 (snakers4; MIT; ≈ 2 MB ONNX, shipped in the pipecat-ai wheel beside Smart Turn):
/// a recurrent network that gives, for each 32 ms of 16 kHz audio, the probability that it holds speech.
///
/// It runs in the same model server as Smart Turn (Sources/Speech/SmartTurn/smart_turn_server.py,
/// started here with `--vad`), one process for every stream of this process: each stream is one
/// connection, and the server keeps that stream's recurrent state. A chunk costs one round trip on
/// a Unix socket (≈ 0.1 ms) and ≈ 0.1–0.3 ms of the server's CPU. The process starts on the first
/// `makeDetector()` (≈ 0.2 s) and exits when this service is released (or `close()`d) or this process dies.
public final class SileroVADService: @unchecked Sendable {
    public static let modelFileName = "silero_vad.onnx"

    public let installation: SmartTurnInstallation
    public let python: String
    public let startTimeout: Double
    public let answerTimeout: Double
    private let server = Mutex<SmartTurnServer?>(nil)
    private let logger = Logger(label: "ringside.speech.silero")

    /// Finds the install (`SmartTurnInstallation.locate()` unless given; it must hold `silero_vad.onnx`)
    /// and the interpreter; throws `SmartTurnError` naming what is missing. Starts nothing yet.
    public init(installation: SmartTurnInstallation? = nil, python: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                startTimeout: Double = 30, answerTimeout: Double = 2) throws {
        let installation = try installation ?? SmartTurnInstallation.locate(environment: environment)
        guard installation.isComplete, FileManager.default.fileExists(atPath: installation.vadModelPath) else {
            throw SmartTurnError.notInstalled(lookedIn: [installation.prefix])
        }
        self.installation = installation
        self.python = try python ?? SmartTurnInstallation.python(environment: environment)
        self.startTimeout = startTimeout
        self.answerTimeout = answerTimeout
    }

    deinit { close() }

    /// Starts the server now rather than on the first detector.
    public func start() throws {
        _ = try running()
    }

    /// A detector for one stream (a connection of its own to the server, started if need be).
    public func makeDetector() throws -> SileroVAD {
        SileroVAD(connection: try running().connect(timeout: answerTimeout), service: self)
    }

    /// A detector for one stream, or an `EnergyVAD` (said in the log) when the server cannot take one.
    public func detector() -> any VoiceActivityDetector {
        do {
            return try makeDetector()
        } catch {
            logger.warning("Silero VAD cannot take another stream (\(error)); this one is detected by energy")
            return EnergyVAD()
        }
    }

    /// Stops the server; detectors made before fall back to energy detection.
    public func close() {
        server.withLock { server in
            server?.stop()
            server = nil
        }
    }

    /// The server's process id while one runs (for tests).
    public var serverProcessID: pid_t? { server.withLock { $0?.pid } }

    /// Set by a stream whose server stopped answering: the next stream looks harder at whether it died.
    private let failed = Mutex(false)

    /// A stream's connection failed. A killed server resets its connections a moment before it can be
    /// reaped, so the next `running()` waits (bounded) for its exit before trusting it.
    func noteFailure() { failed.withLock { $0 = true } }

    private func running() throws -> SmartTurnServer {
        let suspect = failed.withLock { f in defer { f = false }; return f }
        return try server.withLock { server in
            if suspect, let current = server {
                for _ in 0..<50 where current.isRunning() { usleep(10_000) }
            }
            if let running = server, running.isRunning() { return running }
            server?.stop()
            let started = try SmartTurnServer.start(python: python, installation: installation, model: ["--vad", installation.vadModelPath],
                                                    startTimeout: startTimeout, answerTimeout: answerTimeout)
            server = started
            return started
        }
    }
}

extension SmartTurnInstallation {
    /// Silero VAD, installed beside the Smart Turn model.
    public var vadModelPath: String { "\(prefix)/share/ringside/\(SileroVADService.modelFileName)" }
}

/// One stream's Silero voice activity detection, frame by frame.
///
/// Frames are resampled to 16 kHz if need be and gathered into 512-sample chunks (32 ms); each full
/// chunk is sent to the model at once (on the caller's thread: one round trip), so a decision lags
/// the sound by at most one chunk. Speech starts at a probability of `onThreshold` and lasts until
/// one below `offThreshold` (Silero's own defaults, 0.5 and 0.35). If the server fails mid-call the
/// stream says so once in the log and goes on with an `EnergyVAD`.
public final class SileroVAD: VoiceActivityDetector {
    public static let chunkSamples = 512

    public var onThreshold = 0.5
    public var offThreshold = 0.35
    /// The last chunk's probability of speech.
    public private(set) var probability = 0.0
    /// Chunks decided, and what they cost: the server's milliseconds and the round trips seen from here.
    public private(set) var chunks = 0
    public private(set) var modelMilliseconds = 0.0
    public private(set) var roundTripMilliseconds = 0.0
    /// Set once the model failed and energy detection took over.
    public private(set) var fallback: EnergyVAD?

    private let connection: ModelConnection
    /// Keeps the server running while this stream uses it.
    private let service: SileroVADService
    private var resampler: (rate: SampleRate, resampler: Resampler)?
    private var pending: [Int16] = []
    private var speaking = false
    private let logger = Logger(label: "ringside.speech.silero")

    init(connection: ModelConnection, service: SileroVADService) {
        self.connection = connection
        self.service = service
    }

    public func isSpeech(_ frame: AudioFrame) -> Bool {
        if let fallback { return fallback.isSpeech(frame) }
        do {
            pending += try samples16k(frame)
            while pending.count >= Self.chunkSamples {
                let chunk = Array(pending.prefix(Self.chunkSamples))
                pending.removeFirst(Self.chunkSamples)
                let sent = DispatchTime.now().uptimeNanoseconds
                let (p, milliseconds) = try connection.exchange(chunk)
                roundTripMilliseconds += Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6
                modelMilliseconds += milliseconds
                chunks += 1
                probability = p
                speaking = speaking ? p >= offThreshold : p >= onThreshold
            }
            return speaking
        } catch {
            logger.warning("Silero VAD failed (\(error)); this stream goes on with energy voice activity detection")
            connection.close()
            service.noteFailure()
            let energy = EnergyVAD()
            fallback = energy
            pending = []
            return energy.isSpeech(frame)
        }
    }

    private func samples16k(_ frame: AudioFrame) throws -> [Int16] {
        if frame.rate.hertz == 16_000 { return frame.samples }
        if resampler?.rate != frame.rate {
            resampler = (frame.rate, try Resampler(from: frame.rate.hertz, to: 16_000))
        }
        return resampler!.resampler.process(frame.samples)
    }
}
