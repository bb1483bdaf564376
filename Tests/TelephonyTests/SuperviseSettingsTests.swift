import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// The configuration file's `supervise:` section, read strictly: alert rules, fallback and webhook;
/// malformed entries are errors at their file, line and column, and `ringside supervise` stops on them.
@Suite struct SuperviseSettingsTests {
    @Test func readsTheRulesTheFallbackAndTheWebhook() throws {
        let yaml = """
            supervise:
              alerts:
                phrases: [speak to a person, cancel my account]
                silence_s: 8
                v2v_ms: 2500
                mos_below: 3.5
              fallback_uri: sip:desk@127.0.0.1:5070
              handback_webhook: http://127.0.0.1:8080/handback
            """
        let settings = try SIPAccountsFile.parse(yaml: yaml, file: SIPAccountTests.file).supervise
        #expect(settings.alertPhrases == ["speak to a person", "cancel my account"])
        #expect(settings.rules == .init(silenceSeconds: 8, v2vMs: 2500, mos: 3.5))
        #expect(settings.fallbackURI == "sip:desk@127.0.0.1:5070")
        #expect(settings.handbackWebhook == "http://127.0.0.1:8080/handback")
        #expect(try SIPAccountsFile.parse(yaml: "accounts:\n", file: SIPAccountTests.file).supervise == SuperviseSettings(), "no section: nothing set")
    }

    @Test(arguments: [
        // (yaml, line, column, words the message must hold)
        ("supervise:\n  alerts:\n    silence: 8\n", 3, 5, "unknown key 'silence'"),
        ("supervise:\n  alerts:\n    silence_s: 0\n", 3, 16, "out of range"),
        ("supervise:\n  alerts:\n    v2v_ms: fast\n", 3, 13, "expected a number"),
        ("supervise:\n  alerts:\n    mos_below: 7\n", 3, 16, "out of range"),
        ("supervise:\n  alerts:\n    phrases: [speak to a person, '!!']\n", 3, 14, "phrase 2 has no words"),
        ("supervise:\n  fallback_uri: desk@127.0.0.1\n", 2, 17, "is not a SIP URI"),
        ("supervise:\n  handback_webhook: ftp://x/y\n", 2, 21, "is not an http(s) URL"),
        ("supervise:\n  alert: {}\n", 2, 3, "unknown key 'alert'"),
    ])
    func errorsNameTheFileLineAndColumn(yaml: String, line: Int, column: Int, words: String) {
        SIPAccountTests.expectRefused(yaml, line: line, column: column, words: words)
    }

    /// `ringside supervise --config FILE` with a malformed `supervise:` section: exit 2, the file, line
    /// and problem on standard error, nothing listened for.
    @Test func superviseStopsOnAMalformedConfigurationFile() throws {
        let ringside = TestPaths.builtProduct("ringside").path
        let config = try TestPaths.temporaryDirectory("ringside-supervise-config").appendingPathComponent("config.yaml")
        try "supervise:\n  alerts:\n    v2v_ms: -5\n".write(to: config, atomically: true, encoding: .utf8)
        let run = try runProgram(ringside, ["supervise", "--agent-uri", "sip:agent@127.0.0.1:9", "--config", config.path, "--headless", "--no-record"])
        #expect(run.status == 2, "\(run.stdout) \(run.stderr)")
        #expect(run.stderr.contains("\(config.path):3:13: "), "\(run.stderr)")
        #expect(run.stderr.contains("out of range"), "\(run.stderr)")
    }
}
