import Audio
import Foundation
import RingsideCore
#if canImport(Glibc)
import Glibc
#endif

/// Joins two calls' audio both ways (a warm transfer's caller and target; a supervised caller and its
/// remote agent): one thread per direction moves each 20 ms frame from one call's RTP to the other's
/// as soon as its packet arrives, and the other leg sends it at once, until `stop()` or either side
/// ends. No jitter buffer in the middle: the far ends' own absorb the jitter (a second one here, and
/// the two legs' 20 ms ticks out of phase, only added delay). Both calls' media run at the same rate,
/// so codecs that differ (PCMU on one leg, Opus on the other) are transcoded by the legs themselves.
final class AudioBridge: @unchecked Sendable {
    /// Which way a frame is going.
    enum Direction: Sendable { case aToB, bToA }

    /// The most audio left waiting in the bridge (the relay held up) before the oldest is dropped: as
    /// much as a far end's jitter buffer holds at most. Less lost words on a loaded machine (40 ms
    /// dropped a frame from every burst of three packets); what waited goes on at once, so it never
    /// stays as delay.
    static let standingQueue = JitterBuffer().maximumDepth
    private let legs: [MediaSession]

    private let running = LockedValue(true)
    private let done = DispatchGroup()

    /// `relay` decides what goes on for each frame read (nil: nothing is written); by default the frame
    /// itself. It runs on the direction's thread, once per 20 ms: it must not wait.
    init(_ a: MediaSession, _ b: MediaSession, name: String,
         relay: @escaping @Sendable (Direction, AudioFrame) -> AudioFrame? = { _, frame in frame }) {
        legs = [a, b]
        a.sendsOnWrite = true
        b.sendsOnWrite = true
        let backlog = Int(Self.standingQueue.nanoseconds / AudioFrame.duration.nanoseconds)
        for (from, to, direction) in [(a, b, Direction.aToB), (b, a, Direction.bToA)] {
            done.enter()
            let thread = Thread { [running, done] in
                defer { done.leave() }
                // Relayed at once, the audio waits for this thread as it waits for the network thread: the
                // same better nice value (root or CAP_SYS_NICE; else unchanged), so speech engines busy on
                // every core do not hold it up.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -10)
                while running.value {
                    guard let frame = try? from.arrivedFrame(backlog: backlog) else { break }
                    guard let out = relay(direction, frame) else { continue }
                    try? to.sink.write(out)
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
        legs = []
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
        // The legs tick again (one left alone with the operator, a call that goes on elsewhere).
        for leg in legs { leg.sendsOnWrite = false }
    }
}
