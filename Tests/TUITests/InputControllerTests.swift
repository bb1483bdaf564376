import RingsideCore
import Testing
@testable import TUI

@Test func keysMapToCommands() {
    #expect(KeyCommand(.character("t")) == .toggleTakeover)
    #expect(KeyCommand(.character("m")) == .toggleMute)
    #expect(KeyCommand(.tab) == .startTextInput)
    #expect(KeyCommand(.character("a")) == .approve)
    #expect(KeyCommand(.character("d")) == .deny)
    #expect(KeyCommand(.pageUp) == .scrollUp)
    #expect(KeyCommand(.pageDown) == .scrollDown)
    #expect(KeyCommand(.character("T")) == .cycleTheme)
    #expect(KeyCommand(.character("?")) == .toggleHelp)
    #expect(KeyCommand(.character("q")) == .quit)
    #expect(KeyCommand(.character("z")) == nil)
    #expect(KeyPress(codePoint: 9) == .tab)
    #expect(KeyPress(codePoint: 13) == .enter)
    #expect(KeyPress(codePoint: 127) == .backspace)
    #expect(KeyPress(codePoint: 0x65E5) == .character("日"))
}

@Test func takeoverApproveAndMuteProduceActions() {
    var s = state([event(0, .approvalRequested(id: "a1", tool: "book", arguments: "{}"))])
    #expect(InputController.handle(.character("t"), state: &s).actions == [.takeOver])
    #expect(InputController.handle(.character("a"), state: &s).actions == [.approve(id: "a1")])
    #expect(InputController.handle(.character("d"), state: &s).actions == [.deny(id: "a1")])
    #expect(InputController.handle(.character("m"), state: &s).actions == [.setMicMuted(true)])
    #expect(s.view.micMuted)
    s.apply(event(10, .takeover(by: "you")))
    #expect(InputController.handle(.character("t"), state: &s).actions == [.handBack])
}

@Test func textInputCollectsALine() {
    var s = CallState()
    _ = InputController.handle(.tab, state: &s)
    for c in "hi tx" { _ = InputController.handle(.character(c), state: &s) }
    _ = InputController.handle(.backspace, state: &s)
    #expect(s.view.input == "hi t")
    // Keys that are commands elsewhere are text while typing.
    #expect(InputController.handle(.character("q"), state: &s).quit == false)
    let outcome = InputController.handle(.enter, state: &s)
    #expect(outcome.actions == [.say("hi tq")])
    #expect(s.view.input == nil)
    _ = InputController.handle(.tab, state: &s)
    _ = InputController.handle(.character("x"), state: &s)
    #expect(InputController.handle(.escape, state: &s).actions.isEmpty)
    #expect(s.view.input == nil)
}

@Test func quitAsksDuringACall() {
    var idle = CallState()
    #expect(InputController.handle(.character("q"), state: &idle).quit)
    var s = state([event(0, .callStarted(agent: "a", transport: "t"))])
    #expect(InputController.handle(.character("q"), state: &s).quit == false)
    #expect(s.view.confirmingQuit)
    #expect(InputController.handle(.character("n"), state: &s).quit == false)
    #expect(!s.view.confirmingQuit)
    _ = InputController.handle(.character("q"), state: &s)
    let outcome = InputController.handle(.character("y"), state: &s)
    #expect(outcome.quit)
    #expect(outcome.actions == [.quit])
}

@Test func scrollHelpAndTheme() {
    var s = CallState()
    _ = InputController.handle(.pageUp, state: &s)
    _ = InputController.handle(.pageUp, state: &s)
    #expect(s.view.scrollOffset == 2 * InputController.page)
    _ = InputController.handle(.pageDown, state: &s)
    _ = InputController.handle(.pageDown, state: &s)
    _ = InputController.handle(.pageDown, state: &s)
    #expect(s.view.scrollOffset == 0)
    _ = InputController.handle(.character("?"), state: &s)
    #expect(s.view.showHelp)
    _ = InputController.handle(.character("?"), state: &s)
    #expect(!s.view.showHelp)
    #expect(InputController.handle(.character("T"), state: &s).cycleTheme)
}

@Test func softphoneKeysSendDigitsHoldAndHangUp() {
    var s = state([event(0, turn: 0, .callStarted(agent: "sip:agent@127.0.0.1:5062", transport: "sip opus"))])
    s.view.softphone = true
    #expect(InputController.handle(.character("1"), state: &s).actions == [.dtmf("1")])
    #expect(InputController.handle(.character("#"), state: &s).actions == [.dtmf("#")])
    #expect(InputController.handle(.character("*"), state: &s).actions == [.dtmf("*")])
    #expect(InputController.handle(.character("t"), state: &s).actions.isEmpty, "nothing to take over on a softphone")
    #expect(InputController.handle(.character("H"), state: &s).actions == [.setOnHold(true)])
    #expect(s.view.onHold)
    let held = render(HeaderWidget(), s, width: 100, height: 2).lines[0]
    #expect(held.contains("ON HOLD"), "\(held)")
    #expect(render(FooterWidget(), s, width: 100, height: 1).lines[0].contains("H resume"))
    #expect(InputController.handle(.character("H"), state: &s).actions == [.setOnHold(false)])
    #expect(InputController.handle(.character("?"), state: &s).actions.isEmpty)
    #expect(s.view.showHelp)
    let help = render(HelpOverlay(), s, width: 100, height: 24).text
    #expect(help.contains("send a DTMF digit"), "\(help)")
    _ = InputController.handle(.escape, state: &s)
    // h (help on other screens once) and a lower-case x do nothing: only Shift-X hangs up.
    for slip in ["h", "x"] {
        let outcome = InputController.handle(.character(Character(slip)), state: &s)
        #expect(!outcome.quit && outcome.actions.isEmpty && !s.view.showHelp, "\(slip) must not hang up or open help")
    }
    let hangUp = InputController.handle(.character("X"), state: &s)
    #expect(hangUp.quit && hangUp.actions == [.quit], "X hangs up at once")
    // Off the softphone, digits and X mean nothing, and help is `?` only.
    var plain = state([event(0, turn: 0, .callStarted(agent: "a", transport: "embedded"))])
    #expect(InputController.handle(.character("1"), state: &plain).actions.isEmpty)
    #expect(InputController.handle(.character("X"), state: &plain) == InputController.Outcome())
    _ = InputController.handle(.character("h"), state: &plain)
    #expect(!plain.view.showHelp, "h is not help")
    _ = InputController.handle(.character("?"), state: &plain)
    #expect(plain.view.showHelp)
}
