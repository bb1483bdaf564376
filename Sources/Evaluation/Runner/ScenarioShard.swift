import Foundation

/// One shard of a test run (`ringside test --shard 2/3`): a stable, balanced share of the selected
/// scenarios, so that a suite can be split across CI jobs and merged again (`ringside report merge`).
///
/// Scenarios are known by `key(file:)`, the file's path from its agent folder (`clinic/calls/hours.yaml`),
/// so a scenario lands in the same shard on every machine and whatever order the files were found in.
/// Without timings, the sorted keys are dealt round-robin (shard sizes differ by at most one); with
/// timings, the longest scenario goes first into the least-loaded shard (shard times differ by at most
/// one scenario's time).
public struct ScenarioShard: Sendable, Equatable, CustomStringConvertible {
    /// Which shard, from 1.
    public let index: Int
    /// How many shards the run is split into.
    public let count: Int

    public init(index: Int, count: Int) throws(ShardSpecError) {
        guard count >= 1 else { throw ShardSpecError(problem: "there must be at least one shard, as in 1/1") }
        guard (1...count).contains(index) else {
            throw ShardSpecError(problem: count == 1 ? "with one shard the only shard is 1/1" : "the shard number must be between 1 and \(count), as in 1/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Reads `I/N`, e.g. `2/3` for the second of three shards.
    public init(parsing text: String) throws(ShardSpecError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardSpecError(problem: "write the shard as I/N, e.g. 2/3 for the second of three shards")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The entries that belong to this shard, in their original order. Entries sharing a key (the
    /// same file given twice) stay together.
    public func select(_ entries: [ScenarioEntry], timings: ShardTimings? = nil) -> [ScenarioEntry] {
        let mine = Set(Self.partition(entries.map { Self.key(file: $0.file) }, count: count, seconds: timings?.seconds)[index - 1])
        return entries.filter { mine.contains(Self.key(file: $0.file)) }
    }

    /// A scenario file's name for sharding, the same on every machine: its last three path components,
    /// `AGENT/calls/FILE.yaml` (fewer for a shorter path).
    public static func key(file: String) -> String {
        URL(fileURLWithPath: file).standardizedFileURL.pathComponents.filter { $0 != "/" }.suffix(3).joined(separator: "/")
    }

    /// Splits `keys` (duplicates count once) into `count` shards, each in the order it was filled.
    ///
    /// With `seconds`, each key weighs its measured seconds (a key without a measurement weighs the
    /// mean of those measured, or 1 when none is); keys go heaviest first, ties by key, each into the
    /// least-loaded shard, ties to the one with fewer keys, then the lowest. Without, the sorted keys are
    /// dealt round-robin.
    public static func partition(_ keys: [String], count: Int, seconds: [String: Double]? = nil) -> [[String]] {
        var shards = [[String]](repeating: [], count: max(1, count))
        let sorted = Set(keys).sorted()
        guard let seconds else {
            for (i, key) in sorted.enumerated() { shards[i % shards.count].append(key) }
            return shards
        }
        let known = sorted.compactMap { seconds[$0] }
        let unmeasured = known.isEmpty ? 1 : known.reduce(0, +) / Double(known.count)
        let weighed = sorted.map { (key: $0, seconds: seconds[$0] ?? unmeasured) }
            .sorted { $0.seconds != $1.seconds ? $0.seconds > $1.seconds : $0.key < $1.key }
        var loads = [Double](repeating: 0, count: shards.count)
        for item in weighed {
            // Equal loads go to the shard with fewer scenarios (scenarios measured at 0 s, such as files
            // that did not load, are still spread), then to the lowest shard, so the split is reproducible.
            let lightest = shards.indices.min { a, b in
                loads[a] != loads[b] ? loads[a] < loads[b] : shards[a].count != shards[b].count ? shards[a].count < shards[b].count : a < b
            } ?? 0
            shards[lightest].append(item.key)
            loads[lightest] += item.seconds
        }
        return shards
    }
}

/// A `--shard` value that is not `I/N` with 1 ≤ I ≤ N.
public struct ShardSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: String
    public var description: String { problem }
}
