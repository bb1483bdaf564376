import Foundation
import RingsideCore
import Yams

/// What a call costs to run, per unit: minutes of speech recognition, speech synthesis and
/// telephony, and thousands of LLM tokens. Read from a YAML file (`ringside test --prices FILE`):
///
/// ```yaml
/// currency: USD
/// stt_per_minute: 0.006
/// tts_per_minute: 0.015
/// telephony_per_minute: 0.0085
/// llm_per_1k_tokens: 0.002
/// ```
public struct PriceTable: Sendable, Codable, Equatable {
    public var currency: String
    public var sttPerMinute: Double
    public var ttsPerMinute: Double
    public var telephonyPerMinute: Double
    public var llmPer1kTokens: Double

    public init(currency: String = "USD", sttPerMinute: Double = 0, ttsPerMinute: Double = 0, telephonyPerMinute: Double = 0, llmPer1kTokens: Double = 0) {
        self.currency = currency
        self.sttPerMinute = sttPerMinute
        self.ttsPerMinute = ttsPerMinute
        self.telephonyPerMinute = telephonyPerMinute
        self.llmPer1kTokens = llmPer1kTokens
    }

    /// The estimated cost of one call's usage.
    public func cost(of usage: CallUsage) -> Double {
        usage.sttSeconds / 60 * sttPerMinute + usage.ttsSeconds / 60 * ttsPerMinute
            + usage.telephonySeconds / 60 * telephonyPerMinute + Double(usage.llmTokens) / 1000 * llmPer1kTokens
    }

    public static func load(_ url: URL) throws(LocatedError) -> PriceTable {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LocatedError(SourceLocation(file: url.path), problem: "cannot read the price table", suggestion: "check the path")
        }
        return try parse(yaml: text, file: url.path)
    }

    /// Decodes a price table; unknown keys, non-numbers and negative prices are errors with a line.
    public static func parse(yaml: String, file: String) throws(LocatedError) -> PriceTable {
        let top = try StrictYAMLNode.document(yaml: yaml, file: file, what: "price table", example: "stt_per_minute: 0.006")
        let keys = try top.mapping(allowed: ["currency", "stt_per_minute", "tts_per_minute", "telephony_per_minute", "llm_per_1k_tokens"])
        var table = PriceTable()
        if let n = keys["currency"] { table.currency = try n.string() }
        if let n = keys["stt_per_minute"] { table.sttPerMinute = try n.double(in: 0...1_000) }
        if let n = keys["tts_per_minute"] { table.ttsPerMinute = try n.double(in: 0...1_000) }
        if let n = keys["telephony_per_minute"] { table.telephonyPerMinute = try n.double(in: 0...1_000) }
        if let n = keys["llm_per_1k_tokens"] { table.llmPer1kTokens = try n.double(in: 0...1_000) }
        return table
    }
}
