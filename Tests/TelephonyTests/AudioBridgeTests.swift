import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// The bridge between two calls' legs, on real sockets on 127.0.0.1: a bare UDP port stands for the
/// agent and sends the bridge's agent leg a tone in PCMU packets, some of them late (held up as a
/// loaded machine holds a sender up, then sent with the next ones); the bridge's caller leg sends
/// on to another bare port standing for the caller, which looks at every packet that arrives.
@Suite(.serialized) struct AudioBridgeTests {
    /// A 400 Hz tone at a quarter of full scale, 20 ms at 8 kHz, as μ-law.
    static let tone = G711.muLawEncode((0..<160).map { Int16(8000 * sin(2 * Double.pi * 400 * Double($0) / 8000)) })

    @Test func latePacketsAreForwardedWholeNotReplacedBySilence() throws {
        let sender = try UDPSocket.pair(address: "127.0.0.1", port: 0)
        let caller = try UDPSocket.pair(address: "127.0.0.1", port: 0)
        let agentLeg = try MediaSession(), callerLeg = try MediaSession()
        for (leg, peer) in [(agentLeg, sender.rtp), (callerLeg, caller.rtp)] {
            try leg.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                 remoteAddress: "127.0.0.1", remotePort: peer.local.port, direction: .sendrecv))
        }
        defer { [agentLeg, callerLeg].forEach { $0.stop() } }
        let bridge = AudioBridge(callerLeg, agentLeg, name: "test")
        defer { bridge.stop() }

        // 150 packets of tone (3 s); every 10th is held up 60 ms, so it goes with the two after it.
        let count = 150
        let clock = MonotonicClock()
        let start = clock.now()
        var held: [[UInt8]] = []
        var sent = 0
        var levels: [Double] = []  // each packet the caller got: its RMS
        func receive() {
            while let (bytes, _) = caller.rtp.receive() {
                guard let packet = try? RTPPacket(parsing: bytes) else { continue }
                let samples = G711.muLawDecode(packet.payload).map(Double.init)
                levels.append((samples.map { $0 * $0 }.reduce(0, +) / Double(max(1, samples.count))).squareRoot())
            }
        }
        // Bounded: the sender's schedule, then a second for the last packets to come through.
        while clock.now() - start < MediaTime.seconds(Double(count) * 0.02 + 1) {
            let i = sent
            if i < count, clock.now() - start >= MediaTime(nanoseconds: Int64(i) * AudioFrame.duration.nanoseconds) {
                let packet = RTPPacket(payloadType: 0, marker: i == 0, sequenceNumber: UInt16(1000 + i), timestamp: UInt32(160 * i),
                                       ssrc: 0x5EED, payload: Self.tone).serialized()
                held.append(packet)
                // A late one is sent with the next two (a 60 ms hold-up), the rest at once.
                if i % 10 != 5 && i % 10 != 6 || i == count - 1 {
                    for p in held { sender.rtp.send(p, to: agentLeg.localEndpoint) }
                    held = []
                }
                sent += 1
            }
            var fds = [pollfd(fd: caller.rtp.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, 5)
            receive()
        }
        // From the first loud packet to the last: every tone packet sent, none silent in between.
        let loud = levels.indices.filter { levels[$0] > 1000 }
        let first = try #require(loud.first, "no tone crossed the bridge: \(levels.count) packets")
        let last = try #require(loud.last)
        let gaps = (first...last).filter { levels[$0] <= 1000 }.count
        print("tone through the bridge: \(loud.count) loud packets of \(count) sent, \(gaps) quiet in between")
        #expect(gaps == 0, "the bridge put \(gaps) quiet packets into the tone (late packets replaced by silence)")
        // The first packet or two may go into the resampler's start.
        #expect(loud.count >= count - 2, "the bridge forwarded \(loud.count) of \(count) tone packets")
    }

    /// A stall of the bridge's thread (descheduled for a second, as on a loaded machine) piles up the
    /// caller's audio; forwarded whole once the thread runs again, that burst would be delay the far
    /// end must hold or lose, so past `standingQueue` the bridge drops it itself.
    @Test func aStallOfTheBridgeForwardsNoMoreThanTheAllowedQueueAsABurst() throws {
        let callerLeg = try MediaPair(codec: .pcmu)
        let agentLeg = try MediaSession()
        let farEnd = try UDPSocket.pair(address: "127.0.0.1", port: 0)
        try agentLeg.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                  remoteAddress: "127.0.0.1", remotePort: farEnd.rtp.local.port, direction: .sendrecv))
        defer { [callerLeg.a, callerLeg.b, agentLeg].forEach { $0.stop() } }
        let stall = LockedValue(false)
        let bridge = AudioBridge(callerLeg.b, agentLeg, name: "test") { direction, frame in
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
        // The longest run of packets that came together (each within 5 ms of the one before): a burst.
        var burst = 1, longest = 1
        for (before, after) in zip(arrivals, arrivals.dropFirst()) {
            burst = after - before < .milliseconds(5) ? burst + 1 : 1
            longest = max(longest, burst)
        }
        let allowed = Int(AudioBridge.standingQueue.nanoseconds / AudioFrame.duration.nanoseconds)
        print("through a 1 s stall: \(arrivals.count) packets, the longest burst \(longest)")
        // The allowed queue, the frame the stall held in the relay, a silent one the send tick may have sent
        // just before and the caller's next packet just after (12 seen; without the drop, 20 or more).
        #expect(longest <= allowed + 3, "a 1 s stall sent a burst of \(longest) packets on to the far end (allowed \(allowed))")
        #expect(arrivals.count > 100, "the far end got \(arrivals.count) packets in 3 s")
    }
}
