import Audio
import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Telephony

/// Collects values from other threads for a test to read.
final class Collector<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Two media sessions on 127.0.0.1 that negotiated through real SDP offer/answer.
struct MediaPair {
    let a: MediaSession
    let b: MediaSession
    let digitsAtB = Collector<Character>()
    let goodbyesAtB = Collector<Bool>()

    init(codec: MediaCodec, rate: SampleRate = .hz16000, impairment: NetworkImpairment = .none, rtcpInterval: MediaTime = .seconds(5),
         inBandDTMF: Bool = false) throws {
        let digits = digitsAtB
        let goodbyes = goodbyesAtB
        a = try MediaSession(configuration: MediaSessionConfiguration(rate: rate, rtcpInterval: rtcpInterval, impairment: impairment))
        b = try MediaSession(configuration: MediaSessionConfiguration(rate: rate, rtcpInterval: rtcpInterval, impairment: impairment,
                                                                      detectInBandDTMF: inBandDTMF), events: { event in
            if case let .dtmf(d) = event { digits.append(d) }
            if event == .peerSaidGoodbye { goodbyes.append(true) }
        })
        let offer = a.offer(codecs: [codec])
        let offerText = offer.text
        let (answer, mediaB) = try SDPNegotiation.answer(try SessionDescription(parsing: offerText), supported: [.opus, .pcmu, .pcma],
                                                         address: "127.0.0.1", port: b.localEndpoint.port)
        let mediaA = try SDPNegotiation.accept(answer: try SessionDescription(parsing: answer.text), offer: offer)
        try a.start(media: mediaA)
        try b.start(media: mediaB)
    }
}

/// Plays a tone into a sink on its own thread (the sink paces it to real time).
func playTone(into sink: AudioSink, frequency: Double, seconds: Double) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    let frames = AudioFrame.frames(from: Signals.sine(frequency: frequency, sampleRate: sink.rate.hertz, seconds: seconds), rate: sink.rate)
    let thread = Thread {
        for f in frames { try? sink.write(f) }
        done.signal()
    }
    thread.start()
    return done
}

/// Reads `count` frames from a source and says which carried the tone.
func toneFrames(from source: AudioSource, count: Int, frequency: Double) throws -> [Bool] {
    var out: [Bool] = []
    for _ in 0..<count {
        let frame = try #require(try source.nextFrame())
        out.append(Goertzel.power(of: frequency, in: frame.samples, sampleRate: frame.rate.hertz) > 0.01)
    }
    return out
}

@Suite(.serialized) struct MediaSessionTests {
    @Test(arguments: [MediaCodec.pcmu, .opus, .pcma])
    func toneCrossesBothWays(codec: MediaCodec) throws {
        let pair = try MediaPair(codec: codec)
        defer { pair.a.stop(); pair.b.stop() }
        let doneA = playTone(into: pair.a.sink, frequency: 1000, seconds: 1.2)
        let doneB = playTone(into: pair.b.sink, frequency: 1000, seconds: 1.2)
        let atB = try toneFrames(from: pair.b.source, count: 60, frequency: 1000)
        let atA = try toneFrames(from: pair.a.source, count: 10, frequency: 1000)
        #expect(doneA.wait(timeout: .now() + 5) == .success)
        #expect(doneB.wait(timeout: .now() + 5) == .success)
        #expect(atB.filter { $0 }.count >= 40, "tone frames at B: \(atB.filter { $0 }.count) of 60")
        #expect(atA.filter { $0 }.count >= 5)
        #expect(pair.b.remoteEndpoint == pair.a.localEndpoint)  // symmetric RTP latched
        let (inB, _) = pair.b.statistics()
        #expect(inB.codec == codec.encodingName)
        #expect(inB.packets > 40)
        #expect(inB.lost == 0)
        #expect((inB.mos ?? 0) > 4)
    }

    @Test(arguments: [MediaCodec.pcmu, .opus])
    func lossAndReorderStillGiveContinuousTone(codec: MediaCodec) throws {
        let pair = try MediaPair(codec: codec, impairment: NetworkImpairment(dropEvery: 10, swapEvery: 7))
        defer { pair.a.stop(); pair.b.stop() }
        let done = playTone(into: pair.a.sink, frequency: 1000, seconds: 1.6)
        let atB = try toneFrames(from: pair.b.source, count: 80, frequency: 1000)
        #expect(done.wait(timeout: .now() + 5) == .success)
        // Once the tone starts, every frame until it ends carries it: losses are concealed, reordering absorbed.
        let first = try #require(atB.firstIndex(of: true))
        let body = atB[first..<min(atB.count, first + 50)]
        #expect(body.filter { $0 }.count >= 48, "tone in \(body.filter { $0 }.count) of \(body.count) frames")
        let (inB, _) = pair.b.statistics()
        #expect(inB.lost > 0)
        #expect((inB.mos ?? 5) < 4.4)
    }

    @Test(arguments: [MediaCodec.pcmu, .opus])
    func dtmfRoundTrip(codec: MediaCodec) throws {
        let pair = try MediaPair(codec: codec)
        defer { pair.a.stop(); pair.b.stop() }
        for d in "15#" { pair.a.sendDTMF(d) }
        // Keep playout running while waiting (bounded), as a call would.
        for _ in 0..<100 where pair.digitsAtB.values.count < 3 { _ = try pair.b.source.nextFrame() }
        #expect(String(pair.digitsAtB.values) == "15#")
    }

    @Test func rtcpReportsGiveRoundTripAndRemoteView() throws {
        let pair = try MediaPair(codec: .pcmu, impairment: NetworkImpairment(dropEvery: 5), rtcpInterval: .milliseconds(200))
        defer { pair.a.stop(); pair.b.stop() }
        // Keep both playouts running until each side has heard the other's SR and RR (bounded).
        var sentA = pair.a.statistics().sent
        for _ in 0..<100 where sentA.rttMs == nil || sentA.lost == 0 {
            _ = try pair.a.source.nextFrame()
            sentA = pair.a.statistics().sent
        }
        let rtt = try #require(sentA.rttMs)
        #expect(rtt >= 0 && rtt < 100)
        #expect(sentA.lost > 0)  // B's receiver report tells A about the packets dropped on the way
        #expect(sentA.mos != nil)
        #expect(sentA.packets > 0)
    }

    /// A frame at another rate than the session's is refused with a clear error: encoded as if it were
    /// at the session's rate it would leave at the wrong speed (8 kHz frames in a 16 kHz session: half
    /// the packets, the voice twice as fast).
    @Test func aFrameAtAnotherRateIsRefused() throws {
        let pair = try MediaPair(codec: .pcmu)
        defer { pair.a.stop(); pair.b.stop() }
        let rate = pair.a.sink.rate
        let other: SampleRate = rate == .hz8000 ? .hz16000 : .hz8000
        #expect(throws: MediaSessionError.wrongRate(expected: rate.rawValue, got: other.rawValue)) {
            try pair.a.sink.write(.silence(rate: other, at: .zero))
        }
        try pair.a.sink.write(.silence(rate: rate, at: .zero))
    }

    @Test func inBandDTMFThroughG711() throws {
        let pair = try MediaPair(codec: .pcmu, inBandDTMF: true)
        defer { pair.a.stop(); pair.b.stop() }
        let rate = pair.a.sink.rate.hertz
        let tone = (0..<(rate / 10)).map { i -> Int16 in
            let t = Double(i) / Double(rate)
            return Int16(8000 * (sin(2 * .pi * 852 * t) + sin(2 * .pi * 1209 * t)))  // "7"
        }
        for f in AudioFrame.frames(from: tone, rate: pair.a.sink.rate) { try pair.a.sink.write(f) }
        for _ in 0..<60 where pair.digitsAtB.values.isEmpty { _ = try pair.b.source.nextFrame() }
        #expect(pair.digitsAtB.values == ["7"])
    }

    @Test func stopSaysGoodbyeOverRTCP() throws {
        let pair = try MediaPair(codec: .pcmu)
        defer { pair.b.stop() }
        // B must know A's SSRC first: wait (bounded) until A's audio arrives.
        for _ in 0..<50 where pair.b.statistics().received.packets == 0 { _ = try pair.b.source.nextFrame() }
        pair.a.stop()
        for _ in 0..<25 where pair.goodbyesAtB.values.isEmpty { _ = try pair.b.source.nextFrame() }
        #expect(pair.goodbyesAtB.values == [true])
    }

    @Test func silentPeerTimesOutWithClearError() throws {
        let session = try MediaSession(configuration: MediaSessionConfiguration(rtpTimeout: .milliseconds(300)))
        defer { session.stop() }
        // A peer that never sends: a bound port nobody transmits from.
        let silent = try MediaSession()
        try session.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                 remoteAddress: "127.0.0.1", remotePort: silent.localEndpoint.port, direction: .sendrecv))
        var caught: MediaSessionError?
        for _ in 0..<50 {
            do { _ = try session.source.nextFrame() } catch let e as MediaSessionError { caught = e; break }
        }
        let error = try #require(caught)
        #expect(error.description.hasPrefix("no RTP from the peer for 0.3 s"), "\(error)")
    }

    @Test func holdSuspendsTheTimeout() throws {
        let session = try MediaSession(configuration: MediaSessionConfiguration(rtpTimeout: .milliseconds(200)))
        defer { session.stop() }
        let silent = try MediaSession()
        // We put the peer on hold: we only send, so its silence is expected.
        try session.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                 remoteAddress: "127.0.0.1", remotePort: silent.localEndpoint.port, direction: .sendonly))
        for _ in 0..<20 { #expect(try session.source.nextFrame() != nil) }
        // Off hold again (re-INVITE): the timeout applies from then on.
        try session.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: nil,
                                                 remoteAddress: "127.0.0.1", remotePort: silent.localEndpoint.port, direction: .sendrecv))
        #expect(try session.source.nextFrame() != nil)
        var threw = false
        for _ in 0..<30 where !threw {
            do { _ = try session.source.nextFrame() } catch is MediaSessionError { threw = true }
        }
        #expect(threw)
    }

    @Test func garbageDatagramsAreCountedNotFatal() throws {
        let pair = try MediaPair(codec: .pcmu)
        defer { pair.a.stop(); pair.b.stop() }
        let attacker = try UDPSocket(address: "127.0.0.1", port: 0)
        let target = pair.b.localEndpoint
        for i in 0..<20 {
            attacker.send([UInt8](repeating: UInt8(i), count: i % 11), to: target)
            attacker.send([0x81, 201, 0xFF, 0xFF] + [UInt8](repeating: 0, count: i), to: UDPEndpoint(address: target.address, port: target.port + 1))
        }
        var bad = pair.b.malformedPackets
        for _ in 0..<50 where bad.rtp < 20 || bad.rtcp < 20 {
            _ = try pair.b.source.nextFrame()
            bad = pair.b.malformedPackets
        }
        #expect(bad.rtp == 20)
        #expect(bad.rtcp == 20)
        // Still working afterwards.
        let done = playTone(into: pair.a.sink, frequency: 1000, seconds: 0.6)
        let tone = try toneFrames(from: pair.b.source, count: 30, frequency: 1000)
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(tone.filter { $0 }.count >= 15)
    }
}
