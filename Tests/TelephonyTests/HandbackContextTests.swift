import Foundation
import RingsideCore
import Testing
@testable import Telephony

/// What the agent is told at a handback: each thing said during the takeover once.
@Suite struct HandbackContextTests {
    static func event(_ payload: CallEventPayload) -> CallEvent { CallEvent(callID: "c", turn: 1, time: .seconds(1), stage: .stt, payload: payload) }

    /// A typed line is spoken to the caller, so the agent's side hears it back (roughly, in pieces):
    /// those pieces are not a second operator line; the operator's own voice heard, and the caller, are kept.
    @Test func aTypedLineHeardBackIsNotPassedOnTwice() {
        var context = HandbackContext(callID: "c", agentURI: "sip:agent@127.0.0.1")
        context.observe(Self.event(.finalTranscript(speaker: .caller, text: "can I move my appointment", confidence: 0.9)))
        context.observe(Self.event(.finalTranscript(speaker: .human, text: "Your appointment is now on Friday at nine in the morning.", confidence: 1)))
        context.observe(Self.event(.farEndHeard(text: "your appointment is now on friday")))
        context.observe(Self.event(.farEndHeard(text: "at nine in the mourning")))
        context.observe(Self.event(.farEndHeard(text: "hello this is the manager speaking")))
        #expect(context.text == """
            caller: can I move my appointment
            operator: Your appointment is now on Friday at nine in the morning.
            operator: hello this is the manager speaking
            """)
    }

    /// A takeover longer than a MESSAGE may carry (`MessageScreen.maxBytes`, which serve refuses with
    /// 413 beyond): the agent is told its latest lines, whole, as many as fit; all of them when they do.
    @Test func aLongTakeoverPassesOnItsLatestLinesThatFit() {
        var context = HandbackContext(callID: "c", agentURI: "sip:agent@127.0.0.1")
        for n in 1...600 { context.observe(Self.event(.finalTranscript(speaker: .caller, text: "line \(n) of a long takeover about the appointment", confidence: 0.9))) }
        let text = context.messageText
        #expect(text.utf8.count <= MessageScreen.maxBytes && text.utf8.count > MessageScreen.maxBytes - 60, "\(text.utf8.count) bytes")
        #expect(text.hasSuffix("caller: line 600 of a long takeover about the appointment"))
        #expect(text.hasPrefix("caller: line "), "a line was cut: \(text.prefix(40))")
        #expect(context.text.hasSuffix(text) && context.text.utf8.count > text.utf8.count)
        context.lines = Array(context.lines.suffix(3))
        #expect(context.messageText == context.text)
    }
}
