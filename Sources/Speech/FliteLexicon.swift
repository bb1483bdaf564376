internal import CFlite

/// Pronunciations for words the recogniser's dictionary lacks, from flite's CMU lexicon and its
/// letter-to-sound rules, written in pocketsphinx's phone set.
public enum FliteLexicon {
    static let sphinxPhones: Set<String> = ["AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F",
                                            "G", "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R",
                                            "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH"]

    /// Space-separated phones for `word` (e.g. "G AA R S IY AH" for "garcia"), or `nil`.
    public static func phones(for word: String) -> String? {
        let letters = word.lowercased().filter { $0.isLetter || $0 == "'" }
        guard !letters.isEmpty else { return nil }
        let raw: String = FliteVoices.withLock {
            guard let lex = cmu_lex_init() else { return "" }
            var buffer = [CChar](repeating: 0, count: 512)
            let n = buffer.withUnsafeMutableBufferPointer { rs_flite_lex_phones(lex, letters, $0.baseAddress, Int32($0.count)) }
            return n > 0 ? String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        }
        let phones = raw.split(separator: " ").compactMap { p -> String? in
            var s = p.uppercased().filter(\.isLetter)
            if s == "AX" { s = "AH" }
            return sphinxPhones.contains(s) ? s : nil
        }
        return phones.isEmpty ? nil : phones.joined(separator: " ")
    }
}
