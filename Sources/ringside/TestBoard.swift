import Evaluation
import Foundation
import RingsideCore
import Session
import TUI

/// `ringside test --tui`: the run on a board. Every scenario run is listed (queued, running, then its
/// verdict with the first reason); the running call is followed and its panes fill the screen below.
final class TestBoard: Sendable {
    private let screen: BoardScreen
    private let showing = LockedValue(false)
    private let verdicts = LockedValue<[RunVerdict: Int]>([:])
    private let titles: [String: String]
    private let info: SessionInfo

    /// `transport` says where the calls run ("virtual time", "sip:agent@…").
    init(entries: [ScenarioEntry], title: String, transport: String, theme: String?) {
        var board = BoardState(title: title, emptyNote: "No scenarios.")
        board.listTitle = "Runs"
        board.allowsActions = false
        var titles: [String: String] = [:]
        for entry in entries {
            switch entry {
            case let .loaded(s):
                for r in 1...s.runs {
                    let key = ScenarioRunner.key(file: s.file, run: r)
                    titles[key] = Self.title(file: s.file, id: s.id, run: r, runs: s.runs)
                    board.upsert(id: key, title: titles[key] ?? s.id, detail: s.tags.joined(separator: " "), badge: .queued)
                }
            case let .invalid(file, _):
                let key = ScenarioRunner.key(file: file, run: 1)
                titles[key] = Self.title(file: file, id: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent, run: 1, runs: 1)
                board.upsert(id: key, title: titles[key] ?? file, badge: .queued)
            }
        }
        board.select(0)
        self.titles = titles
        let remote = transport.hasPrefix("sip")
        info = SessionInfo(transport: transport, stt: remote ? "" : "pocketsphinx (adapted)", brain: remote ? "" : "intent engine",
                           tts: remote ? "" : "flite", inputDevice: "simulated caller", outputDevice: "simulated caller")
        screen = BoardScreen(board: board, themes: ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes"), initialTheme: theme)
    }

    /// "clinic/book-happy-path", with " #2" for repeated runs.
    static func title(file: String, id: String, run: Int, runs: Int) -> String {
        let agent = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
        return "\(agent)/\(id)" + (runs > 1 ? " #\(run)" : "")
    }

    /// Whether the screen is up (progress lines are printed only when it is not).
    var isShowing: Bool { showing.value }

    /// Opens the screen; the task ends when the operator closes it.
    func start() -> Task<Void, Never> {
        showing.withLock { $0 = true }
        return Task {
            _ = try? await screen.run { _, _ in }
            showing.withLock { $0 = false }
        }
    }

    /// A run's call started: list it as running and follow its events.
    var callStarted: @Sendable (String, CallEventBus) -> Void {
        { [screen, titles, info] key, bus in
            screen.upsert(id: key, title: titles[key] ?? key, badge: .live)
            screen.setSessionInfo(info, for: key)
            bus.observe(name: "board") { screen.push($0, to: key) }
        }
    }

    /// A run finished: its verdict and first reason.
    func finished(_ result: ScenarioRunResult, done: Int, total: Int) {
        let key = ScenarioRunner.key(file: result.file, run: result.run)
        let badge: BoardEntry.Badge = switch result.verdict {
        case .pass: .pass
        case .fail: .fail
        case .error: .error
        }
        // The list row has room for the reason, not the folders of the file it names.
        let folder = URL(fileURLWithPath: result.file).deletingLastPathComponent().path + "/"
        let reason = result.firstReason.replacingOccurrences(of: folder, with: "")
        screen.upsert(id: key, title: titles[key] ?? result.name, detail: reason, badge: badge)
        let counts = verdicts.withLock { $0[result.verdict, default: 0] += 1; return $0 }
        screen.setSummary("\(done)/\(total) · \(counts[.pass] ?? 0) pass · \(counts[.fail] ?? 0) fail · \(counts[.error] ?? 0) error")
    }

    /// The run is over: the header counts the verdicts and says how to leave.
    func runEnded(_ results: [ScenarioRunResult]) {
        let count = { (v: RunVerdict) in results.filter { $0.verdict == v }.count }
        screen.setSummary("DONE \(results.count) runs: \(count(.pass)) pass · \(count(.fail)) fail · \(count(.error)) error — q to exit")
    }
}
