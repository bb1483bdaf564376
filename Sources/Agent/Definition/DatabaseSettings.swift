/// The agent's SQLite database, described by the SQL file that creates and seeds it.
///
/// Calls never run against a file in the agent folder: each run gets a fresh database built from
/// the seed (or one the user names), so demos and tests never change the repository's data.
public struct DatabaseSettings: Sendable, Equatable, Decodable {
    /// Schema and seed data, relative to the agent folder.
    public var seed: String

    enum CodingKeys: String, CodingKey, CaseIterable { case seed }

    public init(from decoder: Decoder) throws {
        let c = try decoder.strictContainer(keyedBy: CodingKeys.self)
        seed = try c.decode(String.self, forKey: .seed)
    }
}
