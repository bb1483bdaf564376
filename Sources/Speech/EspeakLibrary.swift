internal import CEspeakNG
import Synchronization

/// espeak-ng's process-wide state. espeak-ng 1.51 deadlocks if initialised again after
/// termination, so Ringside initialises it once and never terminates it; every synthesis holds
/// `withLock`, because the synth callback and voice are process-wide too.
public enum EspeakLibrary {
    private static let sampleRateOnce = Mutex<Int32?>(nil)
    private static let engine = Mutex(())

    /// Initialises espeak-ng for synchronous synthesis; returns its output rate (22050 Hz on Debian).
    public static func initialise() throws -> Int {
        let rate = sampleRateOnce.withLock { rate -> Int32 in
            if let rate { return rate }
            // 20 ms buffers: the callback sees audio as soon as one frame's worth exists.
            let r = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 20, nil, 0)
            rate = r
            return r
        }
        guard rate > 0 else { throw SpeechSetupError.engineFailed(engine: "espeak-ng", reason: "initialisation failed (error \(rate)); is espeak-ng-data installed?") }
        return Int(rate)
    }

    /// Runs `body` holding espeak-ng's process-wide lock.
    static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try engine.withLock { _ in try body() }
    }

    public static var version: String {
        var path: UnsafePointer<CChar>?
        return espeak_Info(&path).map { String(cString: $0) } ?? "unknown"
    }
}
