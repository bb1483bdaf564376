import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// `ringside supervise` on a terminal, as an operator drives it: a call comes through to the agent
/// (a phone on 127.0.0.1) and is listed live with both legs' quality; the silence rule highlights it
/// and rings; `t` takes it over, `D` hangs up the agent's leg (the agent gets a BYE), and `x` with a
/// typed URI transfers the caller there (the target answers; the call ends).
@Suite(.serialized) struct SuperviseBoardTests {
    @Test(.enabled(if: TmuxHarness.available, "needs tmux and a built ringside"))
    func theBoardAlertsTakesOverDropsTheAgentAndTransfers() async throws {
        let (agentPhone, agentLog) = try SuperviseTests.answering()
        let (targetPhone, targetLog) = try SuperviseTests.answering()
        let port = try #require(ServeTests.freePort())
        let session = "supervise-board-\(port)"
        let command = "env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(TmuxHarness.repository)/themes "
            + "\(TmuxHarness.binary) supervise --agent-uri sip:agent@127.0.0.1:\(agentPhone.agent.localPort) --port \(port) --no-record "
            + "--stt pocketsphinx --alert-silence 1"
        // Wide: the opened call's header lists both legs' quality on one line.
        try TmuxHarness.run(["new-session", "-d", "-s", session, "-x", "330", "-y", "40", command])
        defer { _ = try? TmuxHarness.run(["kill-session", "-t", session]) }
        let empty = try await TmuxHarness.waitForInBackground("Waiting for calls", in: session, seconds: 30)
        try #require(empty.contains("Waiting for calls"), "supervise did not start:\n\(empty)")

        let (callerPhone, callerLog) = try SuperviseTests.caller(codecs: [.pcmu])
        let call = try callerPhone.dial("sip:supervise@127.0.0.1:\(port)")
        #expect(await callerLog.waitFor(15) { $0.connectedCall === call } != nil, "the call was not answered: \(callerLog.all)")
        let listed = try await TmuxHarness.waitForInBackground("● live", in: session, seconds: 15)
        #expect(listed.contains("● live"), "the call is listed:\n\(listed)")

        // Nobody speaks: the silence rule highlights the call; the agent's leg quality shows on its panes.
        let alert = try await TmuxHarness.waitForInBackground("1 ALERT", in: session, seconds: 15)
        #expect(alert.contains("1 ALERT"), "the header counts the alert:\n\(alert)")
        #expect(alert.contains("⚠ ALERT") && alert.contains("silence > 1 s"), "the call is highlighted with its rule:\n\(alert)")
        try TmuxHarness.run(["send-keys", "-t", session, "Enter"])
        let quality = try await TmuxHarness.waitForInBackground("agent rtp in PCMU", in: session, seconds: 10)
        #expect(quality.contains("agent rtp in PCMU") && quality.contains("MOS "), "the agent leg's quality:\n\(quality)")
        try TmuxHarness.run(["send-keys", "-t", session, "Escape"])

        // t takes it over (the agent is held); D then hangs the agent's leg up.
        try TmuxHarness.run(["send-keys", "-t", session, "t"])
        let taken = try await TmuxHarness.waitForInBackground("● TAKEN", in: session, seconds: 10)
        #expect(taken.contains("● TAKEN"), "taken over:\n\(taken)")
        let dropKey = try await TmuxHarness.waitForInBackground("D drop the agent", in: session, seconds: 5)
        #expect(dropKey.contains("D drop the agent"), "the footer offers D:\n\(dropKey)")
        try TmuxHarness.run(["send-keys", "-t", session, "D"])
        let agentEnded = await agentLog.waitFor(10) { $0.endedReason != nil }
        #expect(agentEnded?.endedReason == "remote hung up", "the agent's leg: \(agentLog.all)")

        // x opens the call with a prompt for where to; Enter transfers the caller.
        try TmuxHarness.run(["send-keys", "-t", session, "x"])
        let prompt = try await TmuxHarness.waitForInBackground("transfer to›", in: session, seconds: 5)
        #expect(prompt.contains("transfer to›"), "x asks where to:\n\(prompt)")
        try TmuxHarness.run(["send-keys", "-t", session, "-l", "sip:desk@127.0.0.1:\(targetPhone.agent.localPort)"])
        try TmuxHarness.run(["send-keys", "-t", session, "Enter"])
        #expect(await targetLog.waitFor(15) { $0.connectedCall != nil } != nil, "the target got no call: \(targetLog.all) \(callerLog.all)")
        try TmuxHarness.run(["send-keys", "-t", session, "Escape"])
        let ended = try await TmuxHarness.waitForInBackground("■ ended", in: session, seconds: 10)
        #expect(ended.contains("■ ended"), "the transferred call is over:\n\(ended)")

        try TmuxHarness.run(["send-keys", "-t", session, "q"])
        #expect(try TmuxHarness.waitForExit(session, seconds: 10), "q (no live calls) quits")
        await callerPhone.shutdown()
        await targetPhone.shutdown()
        await agentPhone.shutdown()
    }
}
