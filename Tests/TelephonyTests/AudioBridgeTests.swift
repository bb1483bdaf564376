import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// The bridge between two calls' legs, on real sockets on 127.0.0.1 (a caller's phone ↔ the bridge's
/// caller leg; the bridge's agent leg → a bare UDP port standing for the agent, which counts what
/// arrives): a stall of the bridge's thread, as on a loaded machine, piles up the caller's audio;
/// forwarded whole once the thread runs again, that burst would be delay the far end must hold or
/// lose, so past `standingQueue` the bridge drops it itself.
@Suite(.serialized) struct AudioBridgeTests {
    @Test func aStallOfTheBridgeForwardsNoMoreThanTheAllowedQueueAsABurst() throws {
        let callerLeg = try MediaPair(codec: .pcmu)
        let agentLeg = try MediaSession()
        let farEnd = try UDPSocket.pair(address: "127.0.0.1", port: 0)
        try agentLeg.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                  remoteAddress: "127.0.0.1", remotePort: farEnd.rtp.local.port, direction: .sendrecv))
        defer { [callerLeg.a, callerLeg.b, agentLeg].forEach { $0.stop() } }
        let stall = LockedValue(false)
        let bridge = AudioBridge(callerLeg.b, agentLeg, name: "test") { direction, frame in
            // Once, the caller's direction is held up for a second (descheduled, as on a loaded machine).
            if direction == .aToB, stall.withLock({ s in defer { s = false }; return s }) { usleep(1_000_000) }
            return frame
        }
        defer { bridge.stop() }
        // The caller's phone sends a packet every 20 ms by itself (silence: nothing is written to it).
        // The far end's arrivals for a second, then through the stall and a second after it.
        let clock = MonotonicClock()
        var arrivals: [MediaTime] = []
        let end = clock.now() + .seconds(3)
        var stalled = false
        while clock.now() < end {
            var fds = [pollfd(fd: farEnd.rtp.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, 20)
            while farEnd.rtp.receive() != nil { arrivals.append(clock.now()) }
            if !stalled, let first = arrivals.first, clock.now() - first > .seconds(1) {
                stall.withLock { $0 = true }
                stalled = true
            }
        }
        #expect(stall.value == false, "the bridge never stalled")
        let first = try #require(arrivals.first, "nothing crossed the bridge")
        let last = try #require(arrivals.last)
        // Packets beyond one per 20 ms of the time they came over: audio the far end would have to hold.
        let extra = arrivals.count - 1 - Int(((last - first).milliseconds / AudioFrame.duration.milliseconds).rounded())
        let allowed = Int(AudioBridge.standingQueue.nanoseconds / AudioFrame.duration.nanoseconds)
        print("through a 1 s stall: \(arrivals.count) packets over \(Int((last - first).milliseconds)) ms, \(extra) more than real time")
        // The allowed queue, and a frame or two of the send tick filling in silence as the stall begins and ends.
        #expect(extra <= allowed + 2, "a 1 s stall sent \(extra) packets more than real time on to the far end (allowed \(allowed))")
        #expect(arrivals.count > 100, "the far end got \(arrivals.count) packets in 3 s")
    }
}
