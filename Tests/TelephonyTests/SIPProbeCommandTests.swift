import Foundation
import Testing
import TestSupport
@testable import Telephony

@Suite struct SIPProbeCommandTests {
    @Test func probePrintsTheAnswer() async throws {
        let ringside = TestPaths.builtProduct("ringside").path
        guard FileManager.default.isExecutableFile(atPath: ringside) else {
            Issue.record("ringside is not built beside the tests (run swift build first)")
            return
        }
        let target = SIPUserAgent(configuration: SIPConfiguration(port: 0, userAgent: "Ringside target"))
        try target.start()
        let run = try runProgram(ringside, ["sip-probe", target.localURI])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("200 OK"))
        #expect(run.stdout.contains("server: Ringside target"))
        let bad = try runProgram(ringside, ["sip-probe", "not-a-uri"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("is not a SIP URI"))
        await target.shutdown()
    }
}
