import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a flag the screen loop polls, so the loop (not a signal
/// handler) restores the terminal with `endwin` before the process ends.
/// Owned by the loop's thread; only the latch is shared with the signal handlers.
final class InterruptFlag {
    private final class Latch: Sendable {
        let raised = Mutex(false)
    }

    private let latch = Latch()
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the handlers. Must run before ncurses starts so it does not install its own.
    func install() {
        let latch = self.latch
        sources = [SIGINT, SIGTERM].map { signo in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { latch.raised.withLock { $0 = true } }
            source.resume()
            return source
        }
    }

    /// Removes the handlers and restores the default actions.
    func uninstall() {
        sources.forEach { $0.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    var isRaised: Bool { latch.raised.withLock { $0 } }
}
