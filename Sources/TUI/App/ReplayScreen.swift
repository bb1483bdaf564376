import Foundation
import RingsideCore

/// Reopens a recorded call in the call screen's panes and steps through it turn by turn.
///
/// The screen owns the terminal on its own thread; playing a turn's audio is the caller's business
/// (`onPlay` starts it, `onStop` stops it, `isPlaying` says when it ran out), so the screen works the
/// same with a speaker, a WAV file or no sound at all.
public final class ReplayScreen: Sendable {
    private let model: ReplayModel
    private let themes: ThemeLibrary
    private let initialTheme: Theme

    public init(model: ReplayModel, themes: ThemeLibrary = ThemeLibrary(themes: []), initialTheme: String? = nil) {
        self.model = model
        self.themes = themes
        self.initialTheme = initialTheme.flatMap(themes.theme(named:)) ?? themes.themes[0]
    }

    /// Runs until `q`, Esc or a signal.
    public func run(onPlay: @escaping @Sendable (MediaTime, MediaTime) -> Void, onStop: @escaping @Sendable () -> Void,
                    isPlaying: @escaping @Sendable () -> Bool) async throws(TerminalError) -> CallScreenExit {
        let result: Result<CallScreenExit, TerminalError> = await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: self.loop(onPlay: onPlay, onStop: onStop, isPlaying: isPlaying))
            }
            thread.name = "ringside.replay"
            thread.start()
        }
        return try result.get()
    }

    private func loop(onPlay: (MediaTime, MediaTime) -> Void, onStop: () -> Void, isPlaying: () -> Bool) -> Result<CallScreenExit, TerminalError> {
        CursesScreen.session(theme: initialTheme) { screen, interrupt in
            loop(screen: screen, interrupt: interrupt, onPlay: onPlay, onStop: onStop, isPlaying: isPlaying)
        }
    }

    private func loop(screen: CursesScreen, interrupt: InterruptFlag, onPlay: (MediaTime, MediaTime) -> Void, onStop: () -> Void,
                      isPlaying: () -> Bool) -> CallScreenExit {
        var model = self.model
        var theme = initialTheme
        var view = ViewState()
        view.themeName = theme.name
        var state = model.state(view: view)
        var dirty = true
        while true {
            if interrupt.isRaised {
                onStop()
                return .interrupted
            }
            if model.playing, !isPlaying() {
                model.playing = false
                dirty = true
            }
            if dirty {
                state = model.state(view: view)
                let size = screen.size
                screen.draw(CallScreenView.grid(for: state, width: size.width, height: size.height, theme: theme))
                dirty = false
            }
            var timeout = CallScreen.frameMilliseconds
            while let key = screen.readKey(timeoutMs: timeout) {
                timeout = 0
                dirty = true
                guard let action = model.handle(key, view: &view) else { continue }
                switch action {
                case .moved:
                    view.scrollOffset = 0
                    onStop()
                case let .play(start, end):
                    onPlay(start, end)
                case .stop:
                    onStop()
                case .cycleTheme:
                    theme = themes.next(after: theme)
                    view.themeName = theme.name
                    screen.setTheme(theme)
                case .quit:
                    onStop()
                    return .quit
                case .view:
                    break
                }
            }
        }
    }
}
