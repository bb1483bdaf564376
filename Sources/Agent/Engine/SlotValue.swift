/// A slot as heard: the normalised value tools get (`2026-03-03`, `15:00`, `4271`) and how to say it back.
public struct SlotValue: Sendable, Equatable, Codable {
    public var value: String
    public var spoken: String

    public init(value: String, spoken: String) {
        self.value = value
        self.spoken = spoken
    }
}
