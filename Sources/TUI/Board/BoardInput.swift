/// Turns key presses on a board into selection and view changes and into operator actions for one
/// of its calls. Pure, like `InputController`, which handles the keys of an opened call.
public enum BoardInput {
    /// What a key press led to besides the board's own change.
    public struct Outcome: Sendable, Equatable {
        /// Actions for calls, by entry id.
        public var actions: [Action] = []
        public var cycleTheme = false
        public var quit = false

        public init(actions: [Action] = [], cycleTheme: Bool = false, quit: Bool = false) {
            self.actions = actions
            self.cycleTheme = cycleTheme
            self.quit = quit
        }
    }

    /// An operator action aimed at one call.
    public struct Action: Sendable, Equatable {
        public var entryID: String
        public var action: OperatorAction
        public init(entryID: String, action: OperatorAction) {
            self.entryID = entryID
            self.action = action
        }
    }

    /// The list's keys, for help and the footer.
    public static let helpEntries: [(String, String)] = [
        ("↑ / ↓", "select a call (k / j too)"),
        ("Enter", "open the selected call on the whole screen"),
        ("Esc", "back to the list from an opened call"),
        ("t", "take over the selected call / hand it back"),
        ("a / d", "approve / deny its tool request"),
        ("x / D", "supervise: transfer its caller (type the URI) / drop its agent (taken over)"),
        ("f", "follow the newest call / stay on this one"),
        ("PgUp / PgDn", "scroll its transcript"),
        ("T", "cycle the theme"),
        ("?", "show / hide this help"),
        ("q", "quit (asks first while calls are live)"),
    ]

    public static func handle(_ key: KeyPress, board: inout BoardState) -> Outcome {
        if key == .resize { return Outcome() }
        if board.confirmingQuit {
            board.confirmingQuit = false
            if key == .character("y") || key == .character("Y") { return Outcome(quit: true) }
            return Outcome()
        }
        if board.isOpen { return handleOpen(key, board: &board) }
        if board.showHelp {
            board.showHelp = false
            if key == .character("?") || key == .escape { return Outcome() }
        }
        switch key {
        case .up, .character("k"):
            board.follows = false
            board.select(board.selected - 1)
        case .down, .character("j"):
            board.follows = false
            board.select(board.selected + 1)
        case .home:
            board.follows = false
            board.select(0)
        case .end:
            board.select(board.entries.count - 1)
        case .enter:
            if board.selectedEntry != nil { board.isOpen = true }
        case .character("f"):
            board.follows.toggle()
        case .character("T"):
            return Outcome(cycleTheme: true)
        case .character("?"):
            board.showHelp = true
        case .character("q"):
            // Quitting hangs up served calls: ask first. A test run's screen just closes (the run goes on).
            if board.activeCount > 0 && board.allowsActions {
                board.confirmingQuit = true
                return Outcome()
            }
            return Outcome(quit: true)
        case .character("t"), .character("a"), .character("d"):
            guard board.allowsActions else { return Outcome() }
            return callKey(key, board: &board)
        case .pageUp, .pageDown:
            return callKey(key, board: &board)
        case .character("x"), .character("D"):
            // A transfer's URI is typed on the opened call's footer.
            if key == .character("x"), board.supervises, board.selectedEntry?.call.status.isActive == true { board.isOpen = true }
            return supervisorKey(key, board: &board)
        default:
            break
        }
        return Outcome()
    }

    /// A call key on the list acts on the selected call as it would on its own screen.
    static func callKey(_ key: KeyPress, board: inout BoardState) -> Outcome {
        guard let id = board.selectedEntry?.id, let command = KeyCommand(key) else { return Outcome() }
        if command == .toggleTakeover, board.selectedEntry?.call.status.isActive != true { return Outcome() }
        let outcome = board.withSelectedCall { InputController.apply(command, state: &$0) } ?? InputController.Outcome()
        return Outcome(actions: outcome.actions.map { Action(entryID: id, action: $0) })
    }

    /// A supervised call's own keys: `x` starts typing where to transfer its caller; `D` drops the agent
    /// of a call taken over. Nothing on another board, or once the call is over.
    static func supervisorKey(_ key: KeyPress, board: inout BoardState) -> Outcome {
        guard board.supervises, let entry = board.selectedEntry, entry.call.status.isActive else { return Outcome() }
        if key == .character("D") {
            return entry.call.mode == .human ? Outcome(actions: [Action(entryID: entry.id, action: .dropAgent)]) : Outcome()
        }
        board.withSelectedCall {
            $0.view.input = ""
            $0.view.inputPurpose = .transfer
        }
        return Outcome()
    }

    /// An opened call takes every key as its own screen does, except that Esc (and q) go back to the list.
    static func handleOpen(_ key: KeyPress, board: inout BoardState) -> Outcome {
        guard let id = board.selectedEntry?.id else {
            board.isOpen = false
            return Outcome()
        }
        let busy = board.selectedEntry.map { $0.call.view.input != nil || $0.call.view.showHelp } ?? false
        if !busy, key == .escape || key == .character("q") {
            board.isOpen = false
            return Outcome()
        }
        if !board.allowsActions, !busy, let command = KeyCommand(key) {
            // A test run's call can be read (scroll, help, theme), not acted on.
            switch command {
            case .scrollUp, .scrollDown, .toggleHelp, .cycleTheme: break
            default: return Outcome()
            }
        }
        if !busy, key == .character("x") || key == .character("D") { return supervisorKey(key, board: &board) }
        let outcome = board.withSelectedCall { InputController.handle(key, state: &$0) } ?? InputController.Outcome()
        return Outcome(actions: outcome.actions.filter { $0 != .quit }.map { Action(entryID: id, action: $0) }, cycleTheme: outcome.cycleTheme)
    }
}
