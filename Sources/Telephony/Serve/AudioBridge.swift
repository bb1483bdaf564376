import Audio
import Foundation
import RingsideCore

/// Joins two calls' audio both ways (a warm transfer's caller and target): one thread per direction
/// moves each 20 ms frame from one call's RTP source to the other's sink until `stop()` or either side ends.
final class AudioBridge: @unchecked Sendable {
    private let running = LockedValue(true)
    private let done = DispatchGroup()

    init(_ a: MediaSession, _ b: MediaSession, name: String) {
        for (from, to, label) in [(a, b, "a→b"), (b, a, "b→a")] {
            done.enter()
            let thread = Thread { [running, done] in
                defer { done.leave() }
                while running.value {
                    guard let frame = try? from.source.nextFrame() else { break }
                    try? to.sink.write(frame)
                }
            }
            thread.name = "ringside-bridge-\(name)-\(label)"
            thread.start()
        }
    }

    /// Stops both directions (waits at most a second for them).
    func stop() {
        running.withLock { $0 = false }
        _ = done.wait(timeout: .now() + 1)
    }
}
