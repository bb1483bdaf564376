/// Whether returning callers hear a summary of their earlier calls, and how long those are kept.
public struct MemoryPolicy: Sendable, Equatable, Decodable {
    public var enabled: Bool
    public var retentionDays: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled
        case retentionDays = "retention_days"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        retentionDays = try c.decodeIfPresent(Double.self, forKey: .retentionDays) ?? 30
    }

    public init(enabled: Bool = false, retentionDays: Double = 30) {
        self.enabled = enabled
        self.retentionDays = retentionDays
    }
}
