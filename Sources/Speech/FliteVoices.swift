internal import CFlite
import Synchronization

/// flite's built-in English voices. Registration is process-wide and happens once; every use of
/// flite goes through `withLock`, because flite keeps process-wide state.
public enum FliteVoices {
    public static let names = ["slt", "rms", "awb", "kal"]

    private static let engine = Mutex(false)

    /// Runs `body` holding flite's process-wide lock, after initialising flite once.
    static func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try engine.withLock { initialised in
            if !initialised { flite_init(); initialised = true }
            return try body()
        }
    }

    /// Registers `name` and returns its handle (owned by flite for the life of the process).
    /// Call inside `withLock`.
    static func voiceLocked(named name: String) throws -> UnsafeMutablePointer<cst_voice> {
        let v: UnsafeMutablePointer<cst_voice>?
        switch name {
        case "slt": v = register_cmu_us_slt(nil)
        case "rms": v = register_cmu_us_rms(nil)
        case "awb": v = register_cmu_us_awb(nil)
        case "kal": v = register_cmu_us_kal(nil)
        default: throw SpeechSetupError.unknownVoice(name, available: names)
        }
        guard let v else { throw SpeechSetupError.engineFailed(engine: "flite", reason: "voice \(name) did not register") }
        return v
    }

    /// Registers `name` and returns its handle (owned by flite for the life of the process).
    static func voice(named name: String) throws -> UnsafeMutablePointer<cst_voice> {
        try withLock { try voiceLocked(named: name) }
    }

    /// The voices that register in this process.
    public static func available() -> [String] {
        names.filter { (try? voice(named: $0)) != nil }
    }
}
