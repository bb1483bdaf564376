import Foundation
import RingsideCore
import Session

/// The `supervise:` section of Ringside's configuration file: alert rules and where calls go when
/// the agent does not connect or is handed a call back. Flags given to `ringside supervise` override it.
///
/// ```yaml
/// supervise:
///   alerts:
///     phrases: [speak to a person, cancel my account]   # in either transcript
///     silence_s: 8          # neither side speaks for longer than this
///     v2v_ms: 2500          # the agent's voice-to-voice above this
///     mos_below: 3.5        # a leg's MOS estimate below this
///   fallback_uri: sip:desk@127.0.0.1:5070
///   handback_webhook: http://127.0.0.1:8080/handback
/// ```
public struct SuperviseSettings: Sendable, Equatable {
    public var alertPhrases: [String] = []
    public var rules = SupervisionJournal.AlertRules()
    public var fallbackURI: String?
    public var handbackWebhook: String?

    public init() {}

    /// Reads the section strictly: unknown keys and bad values are errors at their line.
    static func parse(_ node: StrictYAMLNode) throws(LocatedError) -> SuperviseSettings {
        var settings = SuperviseSettings()
        let keys = try node.mapping(allowed: ["alerts", "fallback_uri", "handback_webhook"])
        if let alerts = keys["alerts"] {
            let rules = try alerts.mapping(allowed: ["phrases", "silence_s", "v2v_ms", "mos_below"])
            if let n = rules["phrases"] {
                settings.alertPhrases = try n.strings()
                if let blank = settings.alertPhrases.firstIndex(where: { SupervisionJournal.words($0).isEmpty }) {
                    throw n.error("phrase \(blank + 1) has no words", suggestion: "write e.g. 'phrases: [speak to a person]'")
                }
            }
            if let n = rules["silence_s"] { settings.rules.silenceSeconds = try n.double(in: 0.1...3600) }
            if let n = rules["v2v_ms"] { settings.rules.v2vMs = try n.double(in: 1...60_000) }
            if let n = rules["mos_below"] { settings.rules.mos = try n.double(in: 1...5) }
        }
        if let n = keys["fallback_uri"] {
            let uri = try n.string()
            guard uri.hasPrefix("sip:") || uri.hasPrefix("sips:"), !uri.contains(" ") else {
                throw n.error("'\(uri)' is not a SIP URI", suggestion: "write e.g. sip:desk@127.0.0.1:5070")
            }
            settings.fallbackURI = uri
        }
        if let n = keys["handback_webhook"] {
            let url = try n.string()
            guard Self.isWebURL(url) else { throw n.error("'\(url)' is not an http(s) URL", suggestion: "write e.g. http://127.0.0.1:8080/handback") }
            settings.handbackWebhook = url
        }
        return settings
    }

    /// An http or https URL with a host.
    public static func isWebURL(_ text: String) -> Bool {
        URL(string: text).map { ["http", "https"].contains($0.scheme ?? "") && $0.host != nil } == true
    }
}
