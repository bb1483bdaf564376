/// Turns key presses into view changes and operator actions. Pure, so every key can be tested
/// without a terminal; the app loop feeds it and forwards the actions.
public enum InputController {
    /// What a key press led to besides the state change.
    public struct Outcome: Sendable, Equatable {
        public var actions: [OperatorAction] = []
        public var cycleTheme = false
        public var quit = false
        public init(actions: [OperatorAction] = [], cycleTheme: Bool = false, quit: Bool = false) {
            self.actions = actions
            self.cycleTheme = cycleTheme
            self.quit = quit
        }
    }

    /// Rows PgUp/PgDn move the transcript.
    public static let page = 10

    public static func handle(_ key: KeyPress, state: inout CallState) -> Outcome {
        if key == .resize { return Outcome() }
        if state.view.confirmingQuit {
            state.view.confirmingQuit = false
            if key == .character("y") || key == .character("Y") { return Outcome(actions: [.quit], quit: true) }
            return Outcome()
        }
        if state.view.input != nil { return handleTyping(key, state: &state) }
        if state.view.showHelp {
            // Any key closes help; `?` only closes it.
            state.view.showHelp = false
            if KeyCommand(key) == .toggleHelp || key == .escape { return Outcome() }
        }
        if state.view.softphone, let outcome = softphoneKey(key, state: &state) { return outcome }
        guard let command = KeyCommand(key) else { return Outcome() }
        if state.view.softphone, command == .toggleTakeover { return Outcome() }
        return apply(command, state: &state)
    }

    /// The softphone's own keys: DTMF digits, hang up, hold. Nil for keys it shares with the call screen.
    /// Hanging up is Shift-X: no other key is next to it or means anything as lower-case `x`, so a slip
    /// of the finger (or a key meant for another screen, where `h` used to be help) cannot end a call.
    static func softphoneKey(_ key: KeyPress, state: inout CallState) -> Outcome? {
        guard case let .character(c) = key else { return nil }
        switch c {
        case "0"..."9", "*", "#":
            return state.status.isActive ? Outcome(actions: [.dtmf(c)]) : Outcome()
        case "X":
            // A phone's hang-up key does not ask.
            return Outcome(actions: [.quit], quit: true)
        case "H":
            guard state.status.isActive else { return Outcome() }
            state.view.onHold.toggle()
            return Outcome(actions: [.setOnHold(state.view.onHold)])
        default:
            return nil
        }
    }

    public static func apply(_ command: KeyCommand, state: inout CallState) -> Outcome {
        switch command {
        case .toggleTakeover:
            return Outcome(actions: [state.mode == .agent ? .takeOver : .handBack])
        case .toggleMute:
            state.view.micMuted.toggle()
            return Outcome(actions: [.setMicMuted(state.view.micMuted)])
        case .startTextInput:
            state.view.input = ""
            return Outcome()
        case .approve:
            guard let first = state.pendingApprovals.first else { return Outcome() }
            return Outcome(actions: [.approve(id: first.id)])
        case .deny:
            guard let first = state.pendingApprovals.first else { return Outcome() }
            return Outcome(actions: [.deny(id: first.id)])
        case .scrollUp:
            state.view.scrollOffset += page
            return Outcome()
        case .scrollDown:
            state.view.scrollOffset = max(0, state.view.scrollOffset - page)
            return Outcome()
        case .cycleTheme:
            return Outcome(cycleTheme: true)
        case .toggleHelp:
            state.view.showHelp.toggle()
            return Outcome()
        case .quit:
            if state.status.isActive {
                state.view.confirmingQuit = true
                return Outcome()
            }
            return Outcome(actions: [.quit], quit: true)
        }
    }

    static func handleTyping(_ key: KeyPress, state: inout CallState) -> Outcome {
        var line = state.view.input ?? ""
        switch key {
        case .character(let c):
            line.append(c)
        case .backspace:
            if !line.isEmpty { line.removeLast() }
        case .escape:
            state.view.input = nil
            state.view.inputPurpose = .say
            return Outcome()
        case .enter:
            state.view.input = nil
            let text = line.trimmingSpaces
            defer { state.view.inputPurpose = .say }
            guard !text.isEmpty else { return Outcome() }
            return Outcome(actions: [state.view.inputPurpose == .transfer ? .transfer(to: text) : .say(text)])
        case .pageUp, .pageDown, .up, .down:
            if let command = KeyCommand(key) { _ = apply(command, state: &state) }
        case .tab, .resize, .left, .right, .home, .end:
            break
        }
        state.view.input = line
        return Outcome()
    }
}
