import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// `ringside supervise` soaked like serve (`ServeSoakTests`), in front of a real `ringside serve` (the
/// clinic) as the remote agent: the same calls, through the bridge; supervise's figures are watched.
@Suite(.serialized) struct SuperviseSoakTests {
    static let warmUp = 4
    static let calls = 12

    @Test func memoryAndDescriptorsStayFlatAcrossSupervisedCalls() async throws {
        let dir = try TestPaths.temporaryDirectory("ringside-supervise-soak")
        let (serve, agentPort) = try ServeShutdownTests.spawnServe(in: dir, ["--no-record"])
        defer {
            serve.signal(SIGKILL)
            _ = serve.wait()
        }
        let supervisor = try SuperviseTests.Supervisor(agentURI: "sip:agent@127.0.0.1:\(agentPort)", ["--codecs", "pcmu", "--agent-codecs", "pcmu"])
        defer { supervisor.stop() }
        let recordings = supervisor.dir.appendingPathComponent("calls")
        let (callerPhone, callerLog) = try SuperviseTests.caller(codecs: [.pcmu])
        let speech = try await ServeSoakTests.speech()
        var figures = SoakFigures(warmUp: Self.warmUp, calls: Self.calls)
        // Calls supervise took but could not put through (serve still starting): each is recorded too.
        var refused = 0
        for n in 1...(Self.warmUp + Self.calls) {
            // serve may still be starting for the first call (its recognisers load): a bounded number of tries.
            var connected: PhoneCall?
            for _ in 0..<(n == 1 ? 30 : 1) where connected == nil {
                guard let call = try await SuperviseTests.dial(callerPhone, callerLog, supervisor) else { break }
                if callerLog.all.contains(where: { $0.connectedCall === call }) {
                    connected = call
                } else {
                    refused += 1
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            let call = try #require(connected, "call \(n) did not connect: \(supervisor.log)")
            // supervise's RTP port on the caller's leg (what it offered the caller).
            let bridgePort = try #require(call.negotiated?.remotePort, "call \(n) has no negotiated media")
            try await ServeSoakTests.converse(call, speech)
            call.hangUp()
            _ = await callerLog.waitFor(5) { if case let .ended(c, _) = $0 { return c === call } else { return false } }
            // supervise closes the call's recording once both legs are down and the watcher stopped (bounded).
            for _ in 0..<100 where SoakFigures.finishedRecordings(in: recordings) < n + refused { try await Task.sleep(for: .milliseconds(50)) }
            #expect(SoakFigures.finishedRecordings(in: recordings) == n + refused, "call \(n)'s recording was not finished: \(supervisor.log)")
            // A finished call keeps no media sockets: its leg's RTP port closes with it, not when some
            // timer about the call runs out (the agent's answer timeout held both legs' sockets 20 s a
            // call: a plateau of about five calls' sockets at this pace, read as growth or not by chance).
            for _ in 0..<40 where SoakFigures.udpPortBound(bridgePort) { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!SoakFigures.udpPortBound(bridgePort), "call \(n): supervise still holds the caller leg's RTP port \(bridgePort)")
            figures.sample(supervisor.process.pid, afterCall: n)
        }
        await callerPhone.shutdown()
        let growth = try #require(figures.growth(), "missing readings: \(figures.listing)")
        print("supervise soak: " + figures.summary)
        #expect(growth.mb <= 15, "supervise grew \(growth.mb) MB over the second half of the calls: \(figures.listing)")
        // Each call holds two dialogs and two RTP sessions: a descriptor kept per call adds at least one a
        // call (12 here); a few sockets still closing when a figure is read come and go.
        #expect(growth.fdsAtEnd - growth.fdsAfterWarmUp < Self.calls / 2, "open descriptors grew: \(figures.listing)")
    }
}
