import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT, SIGTERM and SIGHUP into a flag the screen loop polls, so the loop (not a signal
/// handler) restores the terminal with `endwin` before the process ends. A terminal that has gone
/// away (its window closed, the ssh connection dropped) raises the flag too, even where SIGHUP never
/// arrives (ignored by whoever started us, as under nohup): reading keys from a hung-up terminal
/// returns at once, and the loop would spin a whole core with no one to see it.
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
        sources = [SIGINT, SIGTERM, SIGHUP].map { signo in
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
        signal(SIGHUP, SIG_DFL)
    }

    var isRaised: Bool { latch.raised.withLock { $0 } || Self.terminalHungUp() }

    /// Whether the terminal the screen reads keys from (standard input) has hung up.
    static func terminalHungUp() -> Bool {
        var p = pollfd(fd: STDIN_FILENO, events: 0, revents: 0)
        guard poll(&p, 1, 0) == 1 else { return false }
        return p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }
}
