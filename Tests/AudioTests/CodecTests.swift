import Foundation
import RingsideCore
import Testing
import TestSupport
@testable import Audio

@Suite struct G711Tests {
    // Values from the ITU-T G.711 tables: linear zero, full scale and a few segment edges.
    @Test func muLawKnownValues() {
        #expect(G711.muLawEncode(0) == 0xFF)
        #expect(G711.muLawEncode(-1) == 0x7F)
        #expect(G711.muLawEncode(32767) == 0x80)
        #expect(G711.muLawEncode(-32768) == 0x00)
        #expect(G711.muLawDecode(0xFF) == 0)
        #expect(G711.muLawDecode(0x80) == 32124)
        #expect(G711.muLawDecode(0x00) == -32124)
        #expect(G711.muLawDecode(0xFE) == 8)  // segment 0, step 1
        #expect(G711.muLawDecode(0xEF) == 132)  // segment 1, step 0
        #expect(G711.muLawEncode(132) == 0xEF)
    }

    @Test func aLawKnownValues() {
        #expect(G711.aLawEncode(0) == 0xD5)
        #expect(G711.aLawEncode(-8) == 0x55)
        #expect(G711.aLawEncode(32767) == 0xAA)
        #expect(G711.aLawEncode(-32768) == 0x2A)
        #expect(G711.aLawDecode(0xD5) == 8)
        #expect(G711.aLawDecode(0x55) == -8)
        #expect(G711.aLawDecode(0xAA) == 32256)
        #expect(G711.aLawDecode(0x2A) == -32256)
    }

    /// Companding error stays within half a quantisation step of the segment it falls in.
    @Test func roundTripErrorIsBoundedBySegment() {
        for v in stride(from: -32768, through: 32767, by: 7) {
            let s = Int16(v)
            let mu = Int(G711.muLawDecode(G711.muLawEncode(s)))
            let a = Int(G711.aLawDecode(G711.aLawEncode(s)))
            let tolerance = max(16, abs(v) / 16)
            #expect(abs(mu - v) <= tolerance || abs(v) > 32124, "μ-law \(v) -> \(mu)")
            #expect(abs(a - v) <= tolerance, "A-law \(v) -> \(a)")
        }
    }
}

@Suite struct OpusTests {
    /// Fraction of a block's energy at `frequency`, as signal-to-rest in dB.
    static func toneSNR(_ samples: [Int16], frequency: Double, rate: Int) -> Double {
        let p = Goertzel.power(of: frequency, in: samples, sampleRate: rate)
        let meanSquare = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count) / (32768.0 * 32768.0)
        let tone = 2 * p
        return 10 * log10(tone / max(1e-12, meanSquare - tone))
    }

    @Test func sineSurvivesRoundTripAbove20dB() throws {
        let codec = try OpusCodec(rate: .hz48000)
        let input = Signals.sine(frequency: 1000, sampleRate: 48000, seconds: 1.0)
        let frames = AudioFrame.frames(from: input, rate: .hz48000)
        var out: [Int16] = []
        for f in frames {
            let packet = try codec.encode(f)
            #expect(packet.count < 400)
            out += try codec.decode(packet, timestamp: f.timestamp).samples
        }
        // Skip the codec's start-up; measure the steady state, 20 ms blocks.
        let steady = Array(out[9600..<48000])
        for block in stride(from: 0, to: steady.count, by: 960) {
            let snr = Self.toneSNR(Array(steady[block..<block + 960]), frequency: 1000, rate: 48000)
            #expect(snr >= 20, "block at \(block): SNR \(snr) dB")
        }
        let silenceSNR = Self.toneSNR(Signals.sine(frequency: 1700, sampleRate: 48000, seconds: 0.02), frequency: 1000, rate: 48000)
        #expect(silenceSNR < 0, "the measure itself must reject a different tone")
    }

    @Test func concealmentProducesAFrameThatContinuesTheTone() throws {
        let codec = try OpusCodec(rate: .hz16000)
        let input = Signals.sine(frequency: 500, sampleRate: 16000, seconds: 0.4)
        let frames = AudioFrame.frames(from: input, rate: .hz16000)
        var packets: [[UInt8]] = []
        for f in frames { packets.append(try codec.encode(f)) }
        for i in 0..<10 { _ = try codec.decode(packets[i], timestamp: frames[i].timestamp) }
        let concealed = try codec.conceal(timestamp: frames[10].timestamp)
        #expect(concealed.samples.count == 320)
        #expect(concealed.timestamp == frames[10].timestamp)
        #expect(AudioLevel(frame: concealed).rms > 0.05, "PLC should extrapolate the tone, not emit silence")
        let recovered = try codec.conceal(timestamp: frames[11].timestamp, nextPacket: packets[12])
        #expect(recovered.samples.count == 320)
    }

    @Test func corruptPacketIsATypedError() throws {
        let codec = try OpusCodec(rate: .hz48000)
        #expect(throws: AudioCodecError.self) { try codec.decode([0xFF, 0xFF, 0xFF], timestamp: .zero) }
    }
}

@Suite struct ResamplerTests {
    @Test func roundTrip48to16to48KeepsToneAndDuration() throws {
        let input = Signals.sine(frequency: 440, sampleRate: 48000, seconds: 1.5)
        let down = try Resampler.convert(input, from: 48000, to: 16000)
        #expect(abs(down.count - input.count / 3) <= 320)
        let up = try Resampler.convert(down, from: 16000, to: 48000)
        #expect(abs(up.count - input.count) <= 960, "duration within one 20 ms frame")
        let mid = Array(up[24000..<48000])
        let tone = Goertzel.power(of: 440, in: mid, sampleRate: 48000)
        let other = Goertzel.power(of: 1320, in: mid, sampleRate: 48000)
        #expect(tone > 0.05)
        #expect(tone > other * 1000)
        // The tone is not shifted: best alignment with the input is near zero lag.
        let (lag, corr) = SignalAlignment.bestLag(of: Array(input[24000..<28800]), in: up, lags: 23000...25000)
        #expect(corr > 0.95)
        #expect(abs(lag - 24000) <= 48, "resampler delay \(lag - 24000) samples")
    }

    @Test func streamingInPiecesMatchesWhole() throws {
        let input = Signals.sine(frequency: 300, sampleRate: 16000, seconds: 0.5)
        let r = try Resampler(from: 16000, to: 8000)
        var pieces: [Int16] = []
        for chunk in stride(from: 0, to: input.count, by: 333) {
            pieces += r.process(Array(input[chunk..<min(chunk + 333, input.count)]))
        }
        pieces += r.finish()
        let whole = try Resampler.convert(input, from: 16000, to: 8000)
        #expect(pieces.count == whole.count)
        #expect(pieces == whole)
    }
}

@Suite struct FrameRingTests {
    @Test func boundedAndCountsDrops() {
        let ring = FrameRing(capacity: 3)
        for i in 0..<5 { ring.push(.silence(rate: .hz8000, at: .milliseconds(Double(i) * 20))) }
        #expect(ring.count == 3)
        #expect(ring.droppedCount == 2)
        #expect(ring.pop()?.timestamp == .zero)
        #expect(ring.count == 2)
    }

    @Test func producerAndConsumerThreadsKeepOrder() async {
        let ring = FrameRing(capacity: 8)
        let total = 5000
        let producer = Thread {
            var i = 0
            while i < total {
                if ring.push(AudioFrame(rate: .hz8000, samples: [Int16(truncatingIfNeeded: i)], timestamp: .zero)) { i += 1 }
            }
        }
        producer.start()
        var seen: [Int16] = []
        while seen.count < total {
            if let f = ring.pop() { seen.append(f.samples[0]) }
        }
        #expect(seen == (0..<total).map { Int16(truncatingIfNeeded: $0) })
    }

    @Test func levelMeter() {
        let full = AudioLevel(samples: Signals.sine(frequency: 1000, sampleRate: 16000, seconds: 0.02, amplitude: 1.0))
        #expect(abs(full.rmsDBFS - (-3.01)) < 0.2)
        #expect(full.peak > 0.99)
        #expect(AudioLevel(samples: [Int16](repeating: 0, count: 160)).rmsDBFS == -120)
    }
}
