import RingsideCore
import Testing
@testable import TUI

/// Replay stepping: the screen at turn k shows the call as it stood when turn k ended, no later;
/// keys move, clamp at the ends, play the turn's own span and quit.
@Suite struct ReplayModelTests {
    static let events: [CallEvent] = [
        event(0, turn: 0, .callStarted(agent: "clinic", transport: "embedded")),
        event(10, turn: 0, .ttsRequested(text: "Hello, Riverside Clinic.")),
        event(2_000, turn: 1, .speechStarted(speaker: .caller)),
        event(3_000, turn: 1, .speechStopped(speaker: .caller, trueEnd: .milliseconds(3_000))),
        event(3_200, turn: 1, .endOfTurn(trueEnd: .milliseconds(3_000), rule: .silence(.neutral))),
        event(3_250, turn: 1, .finalTranscript(speaker: .caller, text: "book tuesday", confidence: 0.9)),
        event(3_300, turn: 1, .ttsRequested(text: "What is your name?")),
        event(3_400, turn: 1, .playoutStarted),
        event(6_000, turn: 2, .speechStarted(speaker: .caller)),
        event(7_000, turn: 2, .finalTranscript(speaker: .caller, text: "john smith", confidence: 0.9)),
        event(7_500, turn: 2, .ttsRequested(text: "Thanks John.")),
    ]
    static let turns = [
        RecordedTurn(number: 0, lastEventIndex: 1, start: .zero, end: .milliseconds(2_000)),
        RecordedTurn(number: 1, lastEventIndex: 7, start: .milliseconds(2_000), end: .milliseconds(6_000)),
        RecordedTurn(number: 2, lastEventIndex: 10, start: .milliseconds(6_000), end: .milliseconds(9_000)),
    ]

    func texts(_ s: CallState) -> [String] { s.transcript.map(\.text) }

    @Test func eachTurnShowsTheCallAsItStoodThen() {
        var model = ReplayModel(events: Self.events, turns: Self.turns, folder: "rec")
        var view = ViewState()
        let first = model.state(view: view)
        #expect(texts(first) == ["Hello, Riverside Clinic."])
        #expect(first.view.replay == ReplayPosition(index: 0, count: 3, turnNumber: 0, folder: "rec"))

        #expect(model.handle(.right, view: &view) == .moved)
        let second = model.state(view: view)
        #expect(texts(second).contains("book tuesday"))
        #expect(!texts(second).contains("john smith"))
        #expect(second.now == .milliseconds(6_000), "the clock stands at the turn's end")
        #expect(second.turnLatencies.first { $0.turn == 1 }?.voiceToVoiceMs == 400)

        #expect(model.handle(.character("n"), view: &view) == .moved)
        #expect(texts(model.state(view: view)).contains("john smith"))
        #expect(model.handle(.right, view: &view) == nil, "already at the last turn")
        #expect(model.handle(.home, view: &view) == .moved)
        #expect(model.index == 0)
        #expect(model.handle(.left, view: &view) == nil, "already at the first turn")
        #expect(model.handle(.end, view: &view) == .moved)
        #expect(model.index == 2)
    }

    @Test func spacePlaysTheTurnsSpanAndStopsMovingStopsIt() {
        var model = ReplayModel(events: Self.events, turns: Self.turns, startAt: 1)
        var view = ViewState()
        #expect(model.handle(.character(" "), view: &view) == .play(start: .milliseconds(2_000), end: .milliseconds(6_000)))
        #expect(model.state(view: view).view.replay?.playing == true)
        #expect(model.handle(.enter, view: &view) == .stop)
        #expect(model.handle(.character(" "), view: &view) != .stop)
        #expect(model.handle(.right, view: &view) == .moved)
        #expect(model.playing == false)
        #expect(model.handle(.character("q"), view: &view) == .quit)
    }

    @Test func headerFooterAndHelpSpeakReplay() {
        var model = ReplayModel(events: Self.events, turns: Self.turns, startAt: 1)
        var view = ViewState()
        let s = model.state(view: view)
        let grid = CallScreenView.grid(for: s, width: 100, height: 30, theme: .builtinDefault)
        let text = grid.text
        #expect(text.contains("REPLAY turn 2/3"), "\(text)")
        #expect(text.contains("←/→ turn"))
        #expect(!text.contains("take over"), "no live-call keys in a replay")
        #expect(model.handle(.character("?"), view: &view) == .view)
        let help = CallScreenView.grid(for: model.state(view: view), width: 100, height: 30, theme: .builtinDefault).text
        #expect(help.contains("play this turn's audio"))
    }
}
