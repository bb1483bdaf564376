import ArgumentParser
import Foundation
import RingsideCore
import Synchronization
import TUI

/// `ringside ui-demo`: plays a synthetic clinic call through the real call screen, so the TUI
/// can be seen (and tried: take over, approve, type) without audio or engines.
struct UIDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-demo",
        abstract: "Show the call screen with a synthetic clinic call.",
        discussion: """
            Plays a two-turn clinic call (a tool call, an approval request and a barge-in) through \
            the call screen. Press a or d to decide the approval, t to take over, Tab to type, \
            ? for help and q to quit.
            """,
        shouldDisplay: false
    )

    @Option(help: "Playback speed: 1 is real time, 10 is ten times faster.")
    var speed: Double = 1

    @Flag(help: "Show the whole call at once on a virtual clock instead of playing it in time.")
    var instant = false

    @Option(help: "Theme to start with (default, light, mono, or any name in the themes folder).")
    var theme: String?

    @Option(help: "Folder of .theme files (default: RINGSIDE_THEMES, ./themes, or next to the executable).")
    var themes: String?

    func run() async throws {
        CommandLogging.bootstrap()
        let library = loadThemes()
        for problem in library.problems { printError("theme ignored: \(problem)") }
        if let theme, library.theme(named: theme) == nil { printError("no theme named \(theme); using the default") }

        let script = DemoCall.events()
        let clock: any CallClock
        if instant {
            let virtual = VirtualClock()
            virtual.advance(to: script.last?.time ?? .zero)
            clock = virtual
        } else {
            clock = ScaledClock(speed: speed)
        }
        let (events, continuation) = AsyncStream.makeStream(of: CallEvent.self)
        let playback = Task {
            for event in script {
                try? await clock.sleep(until: event.time)
                if Task.isCancelled { break }
                continuation.yield(event)
            }
        }
        let responder = DemoResponder(clock: clock, continuation: continuation)
        let screen = CallScreen(sessionInfo: DemoCall.sessionInfo, themes: library, initialTheme: theme)
        let exit: CallScreenExit
        do {
            exit = try await screen.run(events: events, clock: clock) { action in responder.handle(action) }
        } catch {
            playback.cancel()
            printError(error.description)
            throw ExitCode(2)
        }
        playback.cancel()
        continuation.finish()
        if exit == .interrupted { throw ExitCode(130) }
    }

    private func loadThemes() -> ThemeLibrary {
        guard let dir = themes ?? ThemeLibrary.defaultDirectory() else { return ThemeLibrary(themes: []) }
        return ThemeLibrary.load(directory: dir)
    }
}

/// Plays the session's part in the demo: answers operator actions with the events a real
/// session would send back.
private final class DemoResponder: Sendable {
    private let clock: any CallClock
    private let continuation: AsyncStream<CallEvent>.Continuation
    private let mode = Mutex(ControlMode.agent)

    init(clock: any CallClock, continuation: AsyncStream<CallEvent>.Continuation) {
        self.clock = clock
        self.continuation = continuation
    }

    private func send(_ payload: CallEventPayload, turn: Int = 3, after seconds: Double = 0) {
        let event = CallEvent(callID: DemoCall.callID, turn: turn, time: clock.now() + .seconds(seconds), stage: .session, payload: payload)
        continuation.yield(event)
    }

    func handle(_ action: OperatorAction) {
        switch action {
        case .takeOver:
            mode.withLock { $0 = .human }
            send(.takeover(by: "you"))
        case .handBack:
            mode.withLock { $0 = .agent }
            send(.handback(context: "the human spoke with the caller"))
        case .approve(let id):
            send(.approvalDecided(id: id, approved: true, by: "you"))
            let booking = ToolCallTrace(invocation: "call-2", tool: "book_appointment",
                                        arguments: #"{"doctor":"Patel","slot":"Tue 14:00","patient":"A*** L***"}"#)
            send(.toolStarted(booking))
            var done = booking
            done.result = #"{"booking":"B-1042","status":"confirmed"}"#
            send(.toolFinished(done), after: 0.18)
            send(.ttsRequested(text: "You're booked: Tuesday at 2 pm with Dr. Patel. Reference B-1042."), after: 0.2)
        case .deny(let id):
            send(.approvalDecided(id: id, approved: false, by: "you"))
            send(.ttsRequested(text: "I couldn't book that slot. Would 9:30 work instead?"), after: 0.05)
        case .say(let text):
            let speaker: Speaker = mode.withLock { $0 } == .human ? .human : .caller
            send(.finalTranscript(speaker: speaker, text: text, confidence: 1))
        case .setMicMuted, .quit, .dtmf, .setOnHold, .dropAgent, .transfer:
            break
        }
    }
}
