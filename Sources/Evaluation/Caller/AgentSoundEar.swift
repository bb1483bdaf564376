import Audio
import Foundation
import RingsideCore
import Synchronization

/// The simulated caller's ear in a real-time run: it listens to the agent sink's monitor and tells
/// the caller when the agent's voice starts and when it has been quiet long enough to be done, so
/// the caller takes turns and barges in on what it hears, not on what the agent meant to play.
/// (What the agent said, for reactive turns, still comes from the agent's own words, as in virtual time.)
final class AgentSoundEar: Sendable {
    /// Quiet this long after sound, the agent has finished (longer than the pauses within a reply).
    static let quiet = MediaTime.milliseconds(600)
    private let monitor: SinkMonitor

    init(loop: PulseCallLoop, clock: any CallClock, caller: ScenarioCaller) throws {
        struct Hearing { var speaking = false; var lastSound = MediaTime.zero }
        let hearing = Mutex(Hearing())
        monitor = try SinkMonitor(loop: loop, sink: loop.agentSink, clock: clock) { frame in
            let voiced = SinkMonitor.isVoiced(frame)
            let change: (Bool, MediaTime)? = hearing.withLock { h in
                if voiced {
                    h.lastSound = frame.timestamp + AudioFrame.duration
                    guard !h.speaking else { return nil }
                    h.speaking = true
                    return (true, frame.timestamp)
                }
                guard h.speaking, frame.timestamp + AudioFrame.duration - h.lastSound >= Self.quiet else { return nil }
                h.speaking = false
                return (false, h.lastSound)
            }
            if let (speaking, time) = change { caller.heardAgent(speaking: speaking, at: time) }
        }
    }

    func stop() { monitor.stop() }
}
