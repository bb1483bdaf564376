import Audio
import RingsideCore

/// Turns session-rate frames into RTP payloads and back, concealing lost packets.
///
/// Opus runs natively at the session rate (libopus decodes and encodes 8/16/48 kHz directly,
/// so no resampler is needed); G.711 is resampled to and from 8 kHz. Loss concealment uses
/// Opus PLC (with in-band FEC when the next packet is at hand) or, for G.711, the last frame
/// repeated with falling gain.
final class AudioPayloadCodec {
    let codec: MediaCodec
    let rate: SampleRate
    private var opus: OpusCodec?
    private var up: Resampler?
    private var down: Resampler?
    private var encodePending: [Int16] = []
    private var decodePending: [Int16] = []
    private var lastDecoded: [Int16] = []
    private var concealRun = 0

    init(codec: MediaCodec, rate: SampleRate) throws {
        self.codec = codec
        self.rate = rate
        switch codec {
        case .opus:
            opus = try OpusCodec(rate: rate, bitrate: 32000, inbandFEC: true, expectedLossPercent: 10)
        case .pcmu, .pcma:
            if rate != .hz8000 {
                down = try Resampler(from: rate.hertz, to: 8000, quality: 3)
                up = try Resampler(from: 8000, to: rate.hertz, quality: 3)
            }
        }
    }

    /// Encodes one session-rate frame; nil while a resampler is still filling (never for Opus).
    func encode(_ frame: AudioFrame) throws -> [UInt8]? {
        if let opus { return try opus.encode(frame) }
        encodePending += down?.process(frame.samples) ?? frame.samples
        guard encodePending.count >= 160 else { return nil }
        let chunk = Array(encodePending.prefix(160))
        encodePending.removeFirst(160)
        return codec == .pcmu ? G711.muLawEncode(chunk) : G711.aLawEncode(chunk)
    }

    /// Decodes one payload into a session-rate frame.
    func decode(_ payload: [UInt8], timestamp: MediaTime) throws -> AudioFrame {
        concealRun = 0
        if let opus { return try opus.decode(payload, timestamp: timestamp) }
        let pcm = codec == .pcmu ? G711.muLawDecode(payload) : G711.aLawDecode(payload)
        lastDecoded = pcm
        return frame(from: pcm, timestamp: timestamp)
    }

    /// Conceals one missing packet.
    func conceal(next: [UInt8]?, timestamp: MediaTime) throws -> AudioFrame {
        concealRun += 1
        if let opus { return try opus.conceal(timestamp: timestamp, nextPacket: next) }
        // Repeat the last frame, 6 dB quieter each time, silent after five.
        let gain = concealRun > 5 ? 0 : 1.0 / Double(1 << concealRun)
        let pcm = lastDecoded.isEmpty ? [Int16](repeating: 0, count: 160) : lastDecoded.map { Int16(Double($0) * gain) }
        return frame(from: pcm, timestamp: timestamp)
    }

    private func frame(from pcm8k: [Int16], timestamp: MediaTime) -> AudioFrame {
        decodePending += up?.process(pcm8k) ?? pcm8k
        let n = rate.samplesPerFrame
        let take = min(n, decodePending.count)
        let samples = Array(decodePending.prefix(take))
        decodePending.removeFirst(take)
        // Keep the backlog bounded (resampler output varies by a sample or two).
        if decodePending.count > 2 * n { decodePending.removeFirst(decodePending.count - n) }
        return AudioFrame(rate: rate, samples: samples, timestamp: timestamp)
    }
}
