internal import COpus
import RingsideCore

/// Opus for 20 ms mono voice frames: encode, decode, loss concealment and in-band FEC recovery.
public final class OpusCodec {
    public let rate: SampleRate
    private let encoder: OpaquePointer
    private let decoder: OpaquePointer

    public init(rate: SampleRate = .hz48000, bitrate: Int = 32000, inbandFEC: Bool = true, expectedLossPercent: Int = 5) throws {
        self.rate = rate
        var err: Int32 = 0
        guard let enc = opus_encoder_create(Int32(rate.hertz), 1, rs_opus_application_voip(), &err), err == rs_opus_ok() else {
            throw AudioCodecError.opusInit(rate: rate.hertz, code: err)
        }
        guard let dec = opus_decoder_create(Int32(rate.hertz), 1, &err), err == rs_opus_ok() else {
            opus_encoder_destroy(enc)
            throw AudioCodecError.opusInit(rate: rate.hertz, code: err)
        }
        encoder = enc
        decoder = dec
        _ = rs_opus_set_bitrate(enc, Int32(bitrate))
        _ = rs_opus_set_signal_voice(enc)
        _ = rs_opus_set_inband_fec(enc, inbandFEC ? 1 : 0)
        _ = rs_opus_set_packet_loss_perc(enc, Int32(expectedLossPercent))
    }

    deinit {
        opus_encoder_destroy(encoder)
        opus_decoder_destroy(decoder)
    }

    public func encode(_ frame: AudioFrame) throws -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: 1275)
        let frameSize = Int32(rate.samplesPerFrame)
        let n: Int32 = frame.samples.withUnsafeBufferPointer { pcm in
            packet.withUnsafeMutableBufferPointer { out in
                guard let src = pcm.baseAddress, let dst = out.baseAddress else { return -1 }
                return opus_encode(encoder, src, frameSize, dst, Int32(out.count))
            }
        }
        guard n > 0 else { throw AudioCodecError.opusEncode(code: n) }
        return Array(packet.prefix(Int(n)))
    }

    public func decode(_ packet: [UInt8], timestamp: MediaTime) throws -> AudioFrame {
        try run(packet: packet, fec: false, timestamp: timestamp)
    }

    /// Conceals one lost frame. With the next packet in hand, pass it to recover the lost frame from its FEC data.
    public func conceal(timestamp: MediaTime, nextPacket: [UInt8]? = nil) throws -> AudioFrame {
        try run(packet: nextPacket, fec: nextPacket != nil, timestamp: timestamp)
    }

    private func run(packet: [UInt8]?, fec: Bool, timestamp: MediaTime) throws -> AudioFrame {
        var pcm = [Int16](repeating: 0, count: rate.samplesPerFrame)
        let frameSize = Int32(rate.samplesPerFrame)
        let n: Int32 = pcm.withUnsafeMutableBufferPointer { out in
            guard let dst = out.baseAddress else { return -1 }
            if let packet {
                return packet.withUnsafeBufferPointer { p in
                    opus_decode(decoder, p.baseAddress, Int32(p.count), dst, frameSize, fec ? 1 : 0)
                }
            }
            return opus_decode(decoder, nil, 0, dst, frameSize, 0)
        }
        guard n > 0 else { throw AudioCodecError.opusDecode(code: n) }
        return AudioFrame(rate: rate, samples: pcm, timestamp: timestamp)
    }

    public static var libraryVersion: String { String(cString: opus_get_version_string()) }
}
