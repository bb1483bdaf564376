import Foundation

/// A small trigram language model estimated from example sentences, written as ARPA text.
///
/// Absolute discounting (D = 0.5) with back-off weights computed so each history's distribution
/// sums to one. Built in milliseconds for the few thousand sentences a domain or expectation yields.
public struct ArpaLanguageModel: Sendable {
    /// Sentences as word arrays (no `<s>`/`</s>`).
    public private(set) var sentences: [[String]]
    public let discount: Double

    public init(sentences: [[String]], discount: Double = 0.5) {
        self.sentences = sentences.filter { !$0.isEmpty }
        self.discount = discount
    }

    /// Every word the model can predict.
    public var vocabulary: Set<String> { Set(sentences.joined()) }

    /// The model as ARPA text.
    public func arpa() -> String {
        var uni: [String: Double] = [:]
        var bi: [[String]: Double] = [:]
        var tri: [[String]: Double] = [:]
        for s in sentences {
            let w = ["<s>"] + s + ["</s>"]
            for i in 0..<w.count {
                uni[w[i], default: 0] += 1
                if i >= 1 { bi[[w[i - 1], w[i]], default: 0] += 1 }
                if i >= 2 { tri[[w[i - 2], w[i - 1], w[i]], default: 0] += 1 }
            }
        }
        let total = uni.filter { $0.key != "<s>" }.values.reduce(0, +)
        var pUni: [String: Double] = [:]
        for (w, c) in uni where w != "<s>" { pUni[w] = c / total }

        // Bigram probabilities and the back-off weight of each one-word history.
        var biHistory: [String: (count: Double, seen: [String])] = [:]
        for (k, c) in bi { biHistory[k[0], default: (0, [])].count += c; biHistory[k[0]]?.seen.append(k[1]) }
        var pBi: [[String]: Double] = [:]
        var boUni: [String: Double] = [:]
        for (h, info) in biHistory {
            var kept = 0.0, lower = 0.0
            for w in info.seen {
                let p = max(0, (bi[[h, w]] ?? 0) - discount) / info.count
                pBi[[h, w]] = p
                kept += p
                lower += pUni[w] ?? 0
            }
            boUni[h] = lower < 1 ? max(1e-9, (1 - kept) / (1 - lower)) : 1e-9
        }

        var triHistory: [[String]: (count: Double, seen: [String])] = [:]
        for (k, c) in tri { let h = [k[0], k[1]]; triHistory[h, default: (0, [])].count += c; triHistory[h]?.seen.append(k[2]) }
        var pTri: [[String]: Double] = [:]
        var boBi: [[String]: Double] = [:]
        for (h, info) in triHistory {
            var kept = 0.0, lower = 0.0
            for w in info.seen {
                let p = max(0, (tri[h + [w]] ?? 0) - discount) / info.count
                pTri[h + [w]] = p
                kept += p
                lower += pBi[[h[1], w]] ?? 0
            }
            boBi[h] = lower < 1 ? max(1e-9, (1 - kept) / (1 - lower)) : 1e-9
        }

        func lg(_ p: Double) -> String { p > 0 ? String(format: "%.5f", log10(p)) : "-99.00000" }
        var out = "\\data\\\n"
        out += "ngram 1=\(uni.count)\nngram 2=\(pBi.count)\nngram 3=\(pTri.count)\n\n\\1-grams:\n"
        for w in uni.keys.sorted() {
            let p = w == "<s>" ? "-99.00000" : lg(pUni[w] ?? 0)
            out += "\(p) \(w)" + (boUni[w].map { " " + lg($0) } ?? "") + "\n"
        }
        out += "\n\\2-grams:\n"
        for k in pBi.keys.sorted(by: { $0.joined(separator: " ") < $1.joined(separator: " ") }) {
            out += "\(lg(pBi[k] ?? 0)) \(k[0]) \(k[1])" + (boBi[k].map { " " + lg($0) } ?? "") + "\n"
        }
        out += "\n\\3-grams:\n"
        for k in pTri.keys.sorted(by: { $0.joined(separator: " ") < $1.joined(separator: " ") }) {
            out += "\(lg(pTri[k] ?? 0)) \(k[0]) \(k[1]) \(k[2])\n"
        }
        out += "\n\\end\\\n"
        return out
    }
}
