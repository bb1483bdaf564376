import RingsideCore
import Testing
@testable import TUI

/// The board: several calls on one screen, their list, alerts when a caller waits for a human, and the
/// keys that pick a call and act on it.
struct BoardTests {
    /// Two live calls: the first mid-conversation, the second just started.
    func twoCalls() -> BoardState {
        var board = BoardState(title: "SERVE clinic at sip:agent@127.0.0.1:5062")
        board.upsert(id: "a1", title: "sip:alice@127.0.0.1:5070", detail: "opus", badge: .live)
        board.apply(event(0, turn: 0, .callStarted(agent: "Riverside Clinic", transport: "sip")), to: "a1")
        board.apply(event(1000, .finalTranscript(speaker: .caller, text: "what are your opening hours", confidence: 0.9)), to: "a1")
        board.upsert(id: "b2", title: "sip:bob@127.0.0.1:5072", detail: "PCMU", badge: .live)
        board.apply(event(0, turn: 0, .callStarted(agent: "Riverside Clinic", transport: "sip")), to: "b2")
        return board
    }

    @Test func newCallsAreFollowedUntilTheOperatorPicksOne() {
        var board = twoCalls()
        #expect(board.selectedEntry?.id == "b2", "the newest call is selected while following")
        _ = BoardInput.handle(.up, board: &board)
        #expect(board.selectedEntry?.id == "a1")
        #expect(!board.follows)
        board.upsert(id: "c3", title: "sip:carol@127.0.0.1:5074", badge: .live)
        #expect(board.selectedEntry?.id == "a1", "a picked call stays selected when another arrives")
        _ = BoardInput.handle(.character("f"), board: &board)
        board.upsert(id: "d4", title: "sip:dave@127.0.0.1:5076", badge: .live)
        #expect(board.selectedEntry?.id == "d4", "f follows again")
        _ = BoardInput.handle(.down, board: &board)
        #expect(board.selectedEntry?.id == "d4", "selection stops at the last call")
    }

    @Test func callKeysActOnTheSelectedCall() {
        var board = twoCalls()
        _ = BoardInput.handle(.up, board: &board)
        let take = BoardInput.handle(.character("t"), board: &board)
        #expect(take.actions == [.init(entryID: "a1", action: .takeOver)])
        board.apply(event(2000, .takeover(by: "sam")), to: "a1")
        let back = BoardInput.handle(.character("t"), board: &board)
        #expect(back.actions == [.init(entryID: "a1", action: .handBack)], "t on a taken call hands it back")
        board.apply(event(2500, .approvalRequested(id: "ap1", tool: "cancel_appointment", arguments: "{}")), to: "a1")
        #expect(BoardInput.handle(.character("a"), board: &board).actions == [.init(entryID: "a1", action: .approve(id: "ap1"))])
        board.apply(event(3000, .callEnded(reason: "caller hung up")), to: "a1")
        #expect(board.entries.first?.badge == .ended)
        #expect(BoardInput.handle(.character("t"), board: &board).actions.isEmpty, "an ended call cannot be taken over")
    }

    @Test func enterOpensTheCallAndEscGoesBackToTheList() {
        var board = twoCalls()
        _ = BoardInput.handle(.enter, board: &board)
        #expect(board.isOpen)
        // In an opened call the call screen's keys apply: Tab types a line that is said in that call.
        _ = BoardInput.handle(.tab, board: &board)
        for c in "hello" { _ = BoardInput.handle(.character(c), board: &board) }
        #expect(BoardInput.handle(.escape, board: &board).actions.isEmpty)
        #expect(board.isOpen, "Esc while typing cancels the line, not the call")
        _ = BoardInput.handle(.tab, board: &board)
        for c in "hi" { _ = BoardInput.handle(.character(c), board: &board) }
        #expect(BoardInput.handle(.enter, board: &board).actions == [.init(entryID: "b2", action: .say("hi"))])
        _ = BoardInput.handle(.escape, board: &board)
        #expect(!board.isOpen)
    }

    @Test func quittingWithLiveCallsAsksFirst() {
        var board = twoCalls()
        #expect(!BoardInput.handle(.character("q"), board: &board).quit)
        #expect(board.confirmingQuit)
        #expect(!BoardInput.handle(.character("n"), board: &board).quit)
        _ = BoardInput.handle(.character("q"), board: &board)
        #expect(BoardInput.handle(.character("y"), board: &board).quit)
    }

    @Test func aCallerWaitingForAHumanRaisesAnAlertUntilTakenOver() {
        var board = twoCalls()
        _ = BoardInput.handle(.down, board: &board)
        board.apply(event(4000, .escalated(summary: "Caller asked for a person about a bill.", target: "front desk")), to: "a1")
        #expect(board.bellsPending == 1, "the bell rings once")
        #expect(board.selectedEntry?.id == "a1", "the waiting call is selected")
        #expect(board.alerts.map(\.id) == ["a1"])
        let screen = BoardView.grid(for: board, width: 100, height: 30, theme: .builtinDefault).lines.joined(separator: "\n")
        #expect(screen.contains("wants a human"), "\(screen)")
        #expect(screen.contains("Caller asked for a person about a bill."), "the handoff summary is shown:\n\(screen)")
        #expect(screen.contains("1 WAITING FOR A HUMAN"))
        #expect(screen.contains("t take the call"), "the footer says how to accept:\n\(screen)")
        let take = BoardInput.handle(.character("t"), board: &board)
        #expect(take.actions == [.init(entryID: "a1", action: .takeOver)])
        board.apply(event(4500, .takeover(by: "sam")), to: "a1")
        #expect(board.alerts.isEmpty, "taking the call clears the alert")
        // An escalation while a human already has the call is no alert.
        board.apply(event(5000, .escalated(summary: "again", target: nil)), to: "a1")
        #expect(board.alerts.isEmpty)
        #expect(board.bellsPending == 1)
    }

    @Test func listShowsEveryCallWithItsStateAndTheSelectedCallsPanes() {
        var board = twoCalls()
        _ = BoardInput.handle(.up, board: &board)
        let grid = BoardView.grid(for: board, width: 100, height: 30, theme: .builtinDefault)
        let lines = grid.lines
        let text = lines.joined(separator: "\n")
        #expect(lines[0].contains("SERVE clinic at sip:agent@127.0.0.1:5062"))
        let alice = lines.firstIndex { $0.contains("sip:alice@127.0.0.1:5070") }
        let bob = lines.firstIndex { $0.contains("sip:bob@127.0.0.1:5072") }
        #expect(alice != nil && bob != nil, "\(text)")
        #expect(lines[alice ?? 0].contains("▸"), "the selected call is marked:\n\(text)")
        #expect(lines[alice ?? 0].contains("● live") && lines[alice ?? 0].contains("opus"))
        #expect(text.contains("what are your opening hours"), "the selected call's transcript is below the list:\n\(text)")
        #expect(text.contains("Enter open"), "the footer has the board's keys:\n\(text)")
        // Opened, the call has the whole screen and the way back.
        board.isOpen = true
        let open = BoardView.grid(for: board, width: 100, height: 30, theme: .builtinDefault).lines
        #expect(!open.joined().contains("sip:bob@127.0.0.1:5072"))
        #expect(open.last?.contains("Esc calls") == true, "\(open.last ?? "")")
    }

    @Test func anEmptyBoardSaysHowToCall() {
        let board = BoardState(title: "SERVE clinic", emptyNote: "Waiting for calls. Try: ringside call sip:agent@127.0.0.1:5062")
        let text = BoardView.grid(for: board, width: 80, height: 24, theme: .builtinDefault).lines.joined(separator: "\n")
        #expect(text.contains("Waiting for calls. Try: ringside call sip:agent@127.0.0.1:5062"))
    }

    @Test func longRunningServeForgetsOldEndedCalls() {
        var board = BoardState(title: "SERVE")
        for i in 0..<10 {
            board.upsert(id: "c\(i)", title: "call \(i)", badge: .live)
            board.apply(event(0, turn: 0, .callStarted(agent: "a", transport: "sip")), to: "c\(i)")
            if i < 8 { board.apply(event(1000, .callEnded(reason: "bye")), to: "c\(i)") }
        }
        board.forgetEnded(keeping: 3)
        #expect(board.entries.map(\.id) == ["c5", "c6", "c7", "c8", "c9"])
        #expect(board.selectedEntry?.id == "c9")
    }
}
