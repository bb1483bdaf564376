import Foundation
import Synchronization

/// A CMU-style pronouncing dictionary ("word PH ON ES", variants as "word(2) …"), read into memory.
///
/// Used to trim the recogniser's dictionary to the words its language model knows best (search
/// set-up time grows with dictionary size) and to find pronunciations for domain words.
public struct PronouncingDictionary: Sendable {
    /// Word → pronunciations (phones space separated), in file order.
    public private(set) var entries: [String: [String]]

    public init(entries: [String: [String]]) { self.entries = entries }

    /// Reads `path`; throws `SpeechSetupError.modelMissing` naming it when unreadable.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpeechSetupError.modelMissing(path: path, what: "pronunciation dictionary")
        }
        var entries: [String: [String]] = [:]
        entries.reserveCapacity(140_000)
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            var word = String(decoding: line[line.startIndex..<space], as: UTF8.self)
            if let p = word.firstIndex(of: "("), word.hasSuffix(")") { word = String(word[..<p]) }
            let phones = String(decoding: line[line.index(after: space)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            entries[word, default: []].append(phones)
        }
        self.entries = entries
    }

    public func pronunciations(of word: String) -> [String] { entries[word] ?? [] }

    /// Writes the listed words (all their variants) in the same format.
    public func write(words: some Sequence<String>, to path: String) throws {
        var out = ""
        for w in Set(words).sorted() {
            for (i, p) in pronunciations(of: w).enumerated() { out += i == 0 ? "\(w) \(p)\n" : "\(w)(\(i + 1)) \(p)\n" }
        }
        do { try out.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw SpeechSetupError.engineFailed(engine: "pocketsphinx", reason: "cannot write a dictionary to \(path): \(error.localizedDescription)")
        }
    }

    /// First pronunciation of each of `words` found in the dictionary at `path`, by one scan of the
    /// file (cheaper than loading the whole dictionary for a handful of domain words).
    public static func lookup(_ words: Set<String>, in path: String) -> [String: String] {
        guard !words.isEmpty, let data = FileManager.default.contents(atPath: path) else { return [:] }
        let lengths = Set(words.map(\.utf8.count))
        var found: [String: String] = [:]
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            let n = bytes.count
            while start < n {
                var space = start
                while space < n && bytes[space] != 0x20 && bytes[space] != 0x0A { space += 1 }
                var end = space
                while end < n && bytes[end] != 0x0A { end += 1 }
                if space < end, lengths.contains(space - start) {
                    let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<space]), as: UTF8.self)
                    if words.contains(word), found[word] == nil {
                        found[word] = String(decoding: UnsafeBufferPointer(rebasing: bytes[(space + 1)..<end]), as: UTF8.self)
                            .trimmingCharacters(in: .whitespaces)
                    }
                }
                start = end + 1
            }
        }
        return found
    }

    private static let cache = Mutex<[String: PronouncingDictionary]>([:])

    /// The dictionary at `path`, read once per process.
    public static func shared(path: String) throws -> PronouncingDictionary {
        if let d = cache.withLock({ $0[path] }) { return d }
        let d = try PronouncingDictionary(path: path)
        cache.withLock { $0[path] = d }
        return d
    }
}
