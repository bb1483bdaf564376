/// Who the simulated caller is: the voice that speaks their lines and, for people reading the
/// scenario, a persona and the facts they know.
public struct CallerProfile: Sendable, Equatable {
    /// Speech engine; only `flite` today.
    public var engine: String
    /// flite voice: slt, rms, awb or kal.
    public var voice: String
    /// Speaking rate, 1.0 natural.
    public var rate: Double
    public var persona: String
    public var facts: [String: String]

    public init(engine: String = "flite", voice: String = "rms", rate: Double = 1.0, persona: String = "", facts: [String: String] = [:]) {
        self.engine = engine
        self.voice = voice
        self.rate = rate
        self.persona = persona
        self.facts = facts
    }

    public static let engines = ["flite"]
    public static let voices = ["slt", "rms", "awb", "kal"]
}
