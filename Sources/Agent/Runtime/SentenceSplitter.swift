import Foundation

/// Cuts text into sentence-sized pieces, so TTS can start on the first while the rest is written.
///
/// Feed it streamed text; it hands back each sentence as soon as the sentence is complete.
public struct SentenceSplitter: Sendable {
    private var buffer = ""

    public init() {}

    /// Adds streamed text and returns the sentences it completed.
    public mutating func feed(_ text: String) -> [String] {
        buffer += text
        var out: [String] = []
        while let end = SentenceSplitter.sentenceEnd(in: buffer) {
            let sentence = buffer[..<end].trimmingCharacters(in: .whitespacesAndNewlines)
            if !sentence.isEmpty { out.append(sentence) }
            buffer = String(buffer[end...])
        }
        return out
    }

    /// Whatever is left when the stream ends.
    public mutating func finish() -> [String] {
        let rest = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        buffer = ""
        return rest.isEmpty ? [] : [rest]
    }

    /// Splits finished text in one go.
    public static func split(_ text: String) -> [String] {
        var splitter = SentenceSplitter()
        return splitter.feed(text) + splitter.finish()
    }

    /// The index just after a sentence-ending mark followed by whitespace (not "3.5", not "Dr.").
    private static func sentenceEnd(in text: String) -> String.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let ch = text[index]
            let next = text.index(after: index)
            if ".!?".contains(ch), next < text.endIndex, text[next].isWhitespace {
                let word = text[..<index].split(separator: " ").last.map(String.init) ?? ""
                if !["Dr", "Mr", "Mrs", "Ms", "St", "e.g", "i.e"].contains(word) { return next }
            }
            index = next
        }
        return nil
    }
}
