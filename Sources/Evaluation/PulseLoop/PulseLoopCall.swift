import Audio
import Foundation
import RingsideCore
import Synchronization

/// The audio ends of one real-time call through a `PulseCallLoop`: the caller's mouth plays into the
/// room, the agent's microphone is the room's monitor and its speaker the agent sink. The streams
/// open at once (so an unusable server fails before the call) and start with `start(caller:)`.
/// The caller's frames are pulled on a thread of their own at the sound card's pace; once the
/// caller hangs up and the room has carried its last sound, the microphone ends, so the session
/// ends as a virtual-time call does when its caller's audio runs out.
public final class PulseLoopCall: Sendable {
    /// The agent's microphone (the session's source).
    public var microphone: any AudioSource { listening }
    /// The agent's speaker (the session's far end).
    public let speaker: PulsePlayback
    private let listening: LoopMicrophone
    private let mouth: PulsePlayback
    private let hangUp = Atomic<Bool>(false)
    private let speaking = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let mouthDone = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)

    public init(loop: PulseCallLoop, clock: any CallClock) throws {
        // Three frames queued: the caller's timing is the room's, give or take 60 ms.
        mouth = try PulsePlayback(options: loop.stream(loop.roomSink, name: "caller"), clock: clock, ringFrames: 3)
        listening = LoopMicrophone(try PulseCapture(options: loop.stream(loop.roomSink + ".monitor", name: "agent microphone"), clock: clock))
        speaker = try PulsePlayback(options: loop.stream(loop.agentSink, name: "agent speaker"), clock: clock)
    }

    /// Starts the streams and plays `caller` into the room until it hangs up (or `finish()` is called).
    public func start(caller: any AudioSource) {
        guard !speaking.exchange(true, ordering: .acquiringAndReleasing) else { return }
        listening.capture.start()
        speaker.start()
        mouth.start()
        let thread = Thread { [self] in
            do {
                while !hangUp.load(ordering: .acquiring), let frame = try caller.nextFrame() { try mouth.write(frame) }
                try mouth.close()
            } catch {
                failure.withLock { $0 = $0 ?? "the caller's audio failed: \(error)" }
            }
            listening.callerHungUp()
            mouthDone.signal()
        }
        thread.name = "ringside-caller-mouth"
        thread.start()
    }

    /// Stops the caller if it is still speaking (the agent ended the call), closes every stream and
    /// throws when the sound path failed during the call.
    public func finish() throws {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        hangUp.store(true, ordering: .releasing)
        if speaking.load(ordering: .acquiring) {
            mouthDone.wait()
            try? mouth.close()
            try? speaker.close()
        }
        listening.close()
        if let reason = failure.withLock({ $0 }) ?? listening.failure { throw HarnessError(reason) }
    }
}

/// The room's monitor as the agent's microphone; it ends a few frames after the caller hung up
/// (the room's latency: what was played is heard before the line goes dead).
private final class LoopMicrophone: AudioSource, @unchecked Sendable {
    let capture: PulseCapture
    var rate: SampleRate { capture.rate }
    var isLive: Bool { true }
    /// Frames still to deliver after the caller hung up; nil while it is on the line.
    private let remaining = Mutex<Int?>(nil)
    private let failed = Mutex<String?>(nil)
    private static let roomFrames = 5

    init(_ capture: PulseCapture) { self.capture = capture }

    var failure: String? { failed.withLock { $0 } }

    func callerHungUp() { remaining.withLock { $0 = $0 ?? Self.roomFrames } }

    func nextFrame() throws -> AudioFrame? { try take { try capture.nextFrame() } }

    func pollFrame() throws -> AudioFrame? { try take { try capture.pollFrame() } }

    private func take(_ read: () throws -> AudioFrame?) throws -> AudioFrame? {
        if remaining.withLock({ $0 }).map({ $0 <= 0 }) == true { return nil }
        do {
            guard let frame = try read() else { return nil }
            remaining.withLock { if let n = $0 { $0 = n - 1 } }
            return frame
        } catch {
            failed.withLock { $0 = $0 ?? "the agent's microphone failed: \(error)" }
            throw error
        }
    }

    func close() { capture.close() }
}
