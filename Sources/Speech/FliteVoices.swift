import CFlite
import Synchronization

/// flite's built-in English voices. Registration is process-wide and happens once.
public enum FliteVoices {
    public static let names = ["slt", "rms", "awb", "kal"]

    private static let initialised = Mutex(false)

    static func ensureInitialised() {
        initialised.withLock { done in
            if !done { flite_init(); done = true }
        }
    }

    /// Registers `name` and returns its handle (owned by flite for the life of the process).
    static func voice(named name: String) throws -> UnsafeMutablePointer<cst_voice> {
        ensureInitialised()
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

    /// The voices that register in this process.
    public static func available() -> [String] {
        names.filter { (try? voice(named: $0)) != nil }
    }
}
