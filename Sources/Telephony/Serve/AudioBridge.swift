import Audio
import Foundation
import RingsideCore

/// Joins two calls' audio both ways (a warm transfer's caller and target; a supervised caller and its
/// remote agent): one thread per direction moves each 20 ms frame from one call's RTP source to the
/// other's sink until `stop()` or either side ends. Both calls' media run at the same rate, so codecs
/// that differ (PCMU on one leg, Opus on the other) are transcoded by the legs themselves.
final class AudioBridge: @unchecked Sendable {
    /// Which way a frame is going.
    enum Direction: Sendable { case aToB, bToA }

    /// The most audio left waiting to be sent on a leg before a frame is dropped.
    static let standingQueue = MediaTime.milliseconds(40)

    private let running = LockedValue(true)
    private let done = DispatchGroup()

    /// `relay` decides what goes on for each frame read (nil: nothing is written); by default the frame
    /// itself. It runs on the direction's thread, once per 20 ms: it must not wait.
    init(_ a: MediaSession, _ b: MediaSession, name: String,
         relay: @escaping @Sendable (Direction, AudioFrame) -> AudioFrame? = { _, frame in frame }) {
        for (from, to, direction) in [(a, b, Direction.aToB), (b, a, Direction.bToA)] {
            done.enter()
            let thread = Thread { [running, done] in
                defer { done.leave() }
                while running.value {
                    guard let frame = try? from.source.nextFrame() else { break }
                    guard let out = relay(direction, frame) else { continue }
                    // Both legs tick every 20 ms, so whatever waits in the far leg's send queue (a burst
                    // read at the start, a stall) would stay there for the whole call as added delay:
                    // past `standingQueue`, the frame is dropped instead (as a jitter buffer drops one to
                    // catch up with a faster sender).
                    if to.queuedDuration < Self.standingQueue { try? to.sink.write(out) }
                }
            }
            thread.name = "ringside-bridge-\(name)-\(direction == .aToB ? "a→b" : "b→a")"
            thread.start()
        }
    }

    /// One call whose other side has gone (a supervised caller kept with the operator once the agent's
    /// leg is hung up): each frame read from `a` (which paces the loop) is handed to `relay` as `.aToB`,
    /// then a silent frame of the same time as `.bToA`, and what that returns is written back to `a`.
    init(alone a: MediaSession, name: String, relay: @escaping @Sendable (Direction, AudioFrame) -> AudioFrame?) {
        done.enter()
        let thread = Thread { [running, done] in
            defer { done.leave() }
            while running.value {
                guard let frame = try? a.source.nextFrame() else { break }
                _ = relay(.aToB, frame)
                if let out = relay(.bToA, .silence(rate: frame.rate, at: frame.timestamp)) { try? a.sink.write(out) }
            }
        }
        thread.name = "ringside-bridge-\(name)-alone"
        thread.start()
    }

    /// Stops both directions (waits at most a second for them).
    func stop() {
        running.withLock { $0 = false }
        _ = done.wait(timeout: .now() + 1)
    }
}
