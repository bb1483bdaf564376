import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// RTP that misbehaves or is forged: the call's audio goes on. Sequence numbers that leap are not
/// believed until the stream confirms them (RFC 3550's probation idea), only the peer's address and
/// stream are played, and on hold (sendonly, inactive, c=0.0.0.0) the RTP timeout never fires.
@Suite(.serialized) struct RTPRobustnessTests {
    // MARK: The jitter buffer alone

    @Test(arguments: Array(1...40) as [UInt64])
    func forgedSequenceNumbersDoNotMuteTheStream(seed: UInt64) {
        var jb = JitterBuffer()
        var generator = SplitMix(seed: seed)  // the same "random" numbers on every run
        var played = 0, ticks = 0
        // 3 s of a real stream; from 0.5 s to 2 s, twenty forged packets with random numbers per real one.
        for n in 0..<150 {
            let t = MediaTime.milliseconds(Double(n) * 20)
            jb.insert(sequence: UInt16(1000 + n), payload: [1, UInt8(n & 0xFF)], arrival: t)
            if n >= 25 && n < 100 {
                for _ in 0..<20 { jb.insert(sequence: UInt16.random(in: 0...UInt16.max, using: &generator), payload: [9, 9], arrival: t) }
            }
            if n >= 100 {  // the second after the flood: the real stream must be what plays
                ticks += 1
                if case let .packet(p) = jb.pop(), p[0] == 1 { played += 1 }
            } else {
                _ = jb.pop()
            }
        }
        #expect(played >= 40, "after the flood only \(played) of \(ticks) ticks played the real stream (discarded \(jb.discardedJumps))")
        #expect(jb.discardedJumps > 1000)
    }

    @Test func aRealRestartOfTheNumberingIsFollowed() {
        var jb = JitterBuffer()
        for n in 0..<50 {
            jb.insert(sequence: UInt16(100 + n), payload: [1, UInt8(n)], arrival: .milliseconds(Double(n) * 20))
            _ = jb.pop()
        }
        // The sender restarts at 40000 (a new media source behind the same stream, say).
        var played: [UInt8] = []
        for n in 50..<100 {
            jb.insert(sequence: UInt16(40000 + n), payload: [2, UInt8(n)], arrival: .milliseconds(Double(n) * 20))
            if case let .packet(p) = jb.pop() { played.append(p[0]) }
        }
        #expect(jb.resyncs == 1)
        #expect(jb.discardedJumps == 1, "only the first packet of the new numbering waits for confirmation")
        #expect(played.filter { $0 == 2 }.count >= 40, "the new numbering plays: \(played)")
    }

    // MARK: A media session fed by a hand-made peer

    /// A peer that sends PCMU RTP from its own socket, real and forged alike.
    final class Peer: @unchecked Sendable {
        let socket: UDPSocket
        /// Another address on the same host: an intruder.
        let intruder: UDPSocket
        let ssrc = UInt32.random(in: 1...UInt32.max)
        var sequence = UInt16.random(in: 0...UInt16.max)
        var timestamp = UInt32.random(in: 0...UInt32.max)
        /// Separate encoders (they resample, and carry state from one frame to the next).
        let codec: AudioPayloadCodec
        let forgedCodec: AudioPayloadCodec
        let target: UDPEndpoint

        init(to target: UDPEndpoint) throws {
            socket = try UDPSocket(address: "127.0.0.1", port: 0)
            intruder = try UDPSocket(address: "127.0.0.1", port: 0)
            codec = try AudioPayloadCodec(codec: .pcmu, rate: .hz16000)
            forgedCodec = try AudioPayloadCodec(codec: .pcmu, rate: .hz16000)
            self.target = target
        }

        func send(_ frame: AudioFrame, ssrc: UInt32? = nil, sequence forged: UInt16? = nil, fromIntruder: Bool = false) throws {
            guard let payload = try (forged == nil ? codec : forgedCodec).encode(frame) else { return }
            let packet = RTPPacket(payloadType: 0, sequenceNumber: forged ?? sequence, timestamp: timestamp, ssrc: ssrc ?? self.ssrc, payload: payload)
            (fromIntruder ? intruder : socket).send(packet.serialized(), to: target)
            if forged == nil {
                sequence &+= 1
                timestamp &+= 160
            }
        }
    }

    static func session(peer port: UInt16, direction: MediaDirection = .sendrecv, timeout: MediaTime = .seconds(20),
                        address: String = "127.0.0.1") throws -> MediaSession {
        let session = try MediaSession(configuration: MediaSessionConfiguration(rtpTimeout: timeout))
        try session.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                 remoteAddress: address, remotePort: port, direction: direction))
        return session
    }

    static func tone(_ frequency: Double, frames: Int) -> [AudioFrame] {
        AudioFrame.frames(from: Signals.sine(frequency: frequency, sampleRate: 16000, seconds: Double(frames) * 0.02), rate: .hz16000)
    }

    /// Sends `frames` paced at 20 ms on a thread while the caller reads the session's output.
    static func paced(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let start = DispatchTime.now().uptimeNanoseconds
            for n in 0..<count {
                try? body(n)
                let due = start + UInt64(n + 1) * 20_000_000
                let now = DispatchTime.now().uptimeNanoseconds
                if due > now { usleep(UInt32((due - now) / 1000)) }
            }
            done.signal()
        }
        thread.start()
        return done
    }

    @Test func aBurstOfForgedPacketsFromThePeersOwnAddressDoesNotMuteIt() throws {
        let placeholder = try UDPSocket(address: "127.0.0.1", port: 0)
        let target = try Self.session(peer: placeholder.local.port)
        defer { target.stop() }
        let peer = try Peer(to: target.localEndpoint)
        let tone = Self.tone(1000, frames: 150)
        // 3 s of tone; after 0.5 s, 5,000 packets with the stream's SSRC and random sequence numbers, from the same socket.
        let done = Self.paced(150) { n in
            try peer.send(tone[n])
            if n == 25 {
                for _ in 0..<5000 { try peer.send(tone[n], sequence: UInt16.random(in: 0...UInt16.max)) }
            }
        }
        let heard = try toneFrames(from: target.source, count: 150, frequency: 1000)
        #expect(done.wait(timeout: .now() + 10) == .success)
        let lastSecond = heard.suffix(50).filter { $0 }.count
        #expect(lastSecond >= 40, "the tone in the last second after the burst: \(lastSecond) of 50 frames (discarded \(target.discardedPackets))")
        #expect(target.discardedPackets.jumped > 4000)
    }

    @Test func onlyThePeersAddressAndStreamArePlayed() throws {
        let placeholder = try UDPSocket(address: "127.0.0.1", port: 0)
        let target = try Self.session(peer: placeholder.local.port)
        defer { target.stop() }
        let peer = try Peer(to: target.localEndpoint)
        let quiet = (0..<100).map { AudioFrame.silence(rate: .hz16000, at: .milliseconds(Double($0) * 20)) }
        let loud = Self.tone(2000, frames: 100)
        // The peer sends silence; an intruder sends a 2 kHz tone with the peer's SSRC from another
        // address, and the peer's own address sends it under another SSRC (while the peer's stream is live).
        let done = Self.paced(100) { n in
            try peer.send(quiet[n])
            if n >= 10 {
                try peer.send(loud[n], sequence: peer.sequence &+ 500, fromIntruder: true)
                try peer.send(loud[n], ssrc: peer.ssrc &+ 1, sequence: UInt16(n))
            }
        }
        let heard = try toneFrames(from: target.source, count: 100, frequency: 2000)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(heard.filter { $0 }.isEmpty, "the intruder's tone was played in \(heard.filter { $0 }.count) frames; \(target.discardedPackets); \(target.statistics().received)")
        #expect(target.discardedPackets.stray >= 150)
    }

    @Test func aPeerThatMovesIsFollowedAfterItsOldAddressGoesQuiet() throws {
        let placeholder = try UDPSocket(address: "127.0.0.1", port: 0)
        let target = try Self.session(peer: placeholder.local.port)
        defer { target.stop() }
        let peer = try Peer(to: target.localEndpoint)
        let tone = Self.tone(1000, frames: 150)
        // One second from the peer's socket, 0.6 s of nothing (a NAT rebinding), then the same stream
        // from another port: after the first packet or two it is played again.
        let done = Self.paced(150) { n in
            if n < 50 { try peer.send(tone[n]) } else if n >= 80 { try peer.send(tone[n], fromIntruder: true) }
        }
        let heard = try toneFrames(from: target.source, count: 150, frequency: 1000)
        #expect(done.wait(timeout: .now() + 10) == .success)
        let afterMove = heard.suffix(40).filter { $0 }.count
        #expect(afterMove >= 30, "after the move the tone played in \(afterMove) of the last 40 frames")
    }

    @Test(arguments: [MediaDirection.recvonly, .inactive])
    func holdNeverTimesOut(_ ours: MediaDirection) throws {
        // The caller holds (a=sendonly → we are recvonly; a=inactive) and sends nothing.
        let silent = try UDPSocket(address: "127.0.0.1", port: 0)
        let session = try Self.session(peer: silent.local.port, direction: ours, timeout: .milliseconds(200))
        defer { session.stop() }
        for _ in 0..<30 { #expect(try session.source.nextFrame() != nil) }
        #expect(!session.peerTimedOut)
    }

    @Test func holdWithTheNullAddressNeverTimesOut() throws {
        let session = try Self.session(peer: 9, timeout: .milliseconds(200), address: "0.0.0.0")
        defer { session.stop() }
        for _ in 0..<30 { #expect(try session.source.nextFrame() != nil) }
        #expect(!session.peerTimedOut)
    }
}
