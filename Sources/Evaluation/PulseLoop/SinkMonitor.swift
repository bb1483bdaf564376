import Audio
import Foundation
import RingsideCore
import Synchronization

/// Listens to a sink's monitor on a thread of its own and hands every 20 ms frame, stamped with
/// the call's clock, to `onFrame` (which must not block): the caller's ear in a real-time test
/// call, the benchmark's measuring microphone.
public final class SinkMonitor: Sendable {
    private let capture: PulseCapture
    private let done = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    /// A frame counts as sound above −40 dBFS: the loop is clean, so silence is digital zero.
    public static func isVoiced(_ frame: AudioFrame) -> Bool { AudioLevel(frame: frame).isSound }

    public init(loop: PulseCallLoop, sink: String, clock: any CallClock, onFrame: @escaping @Sendable (AudioFrame) -> Void) throws {
        capture = try PulseCapture(options: loop.stream(sink + ".monitor", name: "monitor"), clock: clock, ringFrames: 3_000)
        capture.start()
        let thread = Thread { [capture, done] in
            while let frame = try? capture.nextFrame() { onFrame(frame) }
            done.signal()
        }
        thread.name = "ringside-sink-monitor"
        thread.start()
    }

    /// Stops listening; every frame captured so far has been handed over when this returns.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        capture.close()
        done.wait()
    }
}
