/// Who the simulated caller is: the voice that speaks their lines and, for people reading the
/// scenario, a persona and the facts they know.
public struct CallerProfile: Sendable, Equatable {
    /// Speech engine: `flite` or `espeak` (espeak-ng).
    public var engine: String
    /// A voice of that engine (see `voices(for:)`).
    public var voice: String
    /// Speaking rate, 1.0 natural.
    public var rate: Double
    public var persona: String
    public var facts: [String: String]

    public init(engine: String = "flite", voice: String? = nil, rate: Double = 1.0, persona: String = "", facts: [String: String] = [:]) {
        self.engine = engine
        self.voice = voice ?? Self.defaultVoice(for: engine)
        self.rate = rate
        self.persona = persona
        self.facts = facts
    }

    public static let engines = ["flite", "espeak"]

    /// The voices a scenario may name for `engine`.
    public static func voices(for engine: String) -> [String] {
        engine == "espeak" ? ["en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029"] : ["slt", "rms", "awb", "kal"]
    }

    public static func defaultVoice(for engine: String) -> String { engine == "espeak" ? "en-us" : "rms" }
}
