internal import CPulse
import Foundation
import Logging
import RingsideCore
import Synchronization

/// Why Ringside could not use the audio server.
public enum AudioServerError: Error, Equatable, CustomStringConvertible {
    case unreachable(server: String?, reason: String)
    case streamFailed(device: String?, reason: String)
    case ioFailed(reason: String)

    public var description: String {
        switch self {
        case let .unreachable(server, reason):
            return "no PulseAudio server reachable\(server.map { " at \($0)" } ?? ""): \(reason). "
                + "Start PulseAudio or PipeWire's pipewire-pulse, or run without a sound server using --input FILE.wav / --output FILE.wav."
        case let .streamFailed(device, reason):
            return "cannot open audio device \(device ?? "(default)"): \(reason). List devices with: ringside devices"
        case let .ioFailed(reason):
            return "audio stream failed: \(reason)"
        }
    }
}

/// Settings shared by capture and playback streams.
public struct PulseStreamOptions: Sendable {
    /// Server address (`unix:/path` or a host); nil uses `PULSE_SERVER` or the default.
    public var server: String?
    /// Device name as listed by `ringside devices`; nil means the server's default.
    public var device: String?
    public var rate: SampleRate
    /// Target buffer: the latency the server aims for. 40 ms or less keeps a conversation natural.
    public var bufferMilliseconds: Int
    public var applicationName: String
    public var streamName: String

    public init(server: String? = nil, device: String? = nil, rate: SampleRate = .hz16000, bufferMilliseconds: Int = 40,
                applicationName: String = "Ringside", streamName: String = "call") {
        self.server = server
        self.device = device
        self.rate = rate
        self.bufferMilliseconds = bufferMilliseconds
        self.applicationName = applicationName
        self.streamName = streamName
    }
}

/// A blocking pa_simple stream. Owned by exactly one thread at a time.
final class PulseSimpleStream: @unchecked Sendable {
    private let handle: OpaquePointer
    let bytesPerFrame: Int

    init(options: PulseStreamOptions, record: Bool) throws {
        var spec = pa_sample_spec(format: rs_pa_sample_s16le(), rate: UInt32(options.rate.hertz), channels: 1)
        let frameBytes = options.rate.samplesPerFrame * 2
        bytesPerFrame = frameBytes
        let target = UInt32(options.rate.hertz / 1000 * options.bufferMilliseconds * 2)
        var attr = pa_buffer_attr(
            maxlength: UInt32.max,
            tlength: record ? UInt32.max : target,
            prebuf: record ? UInt32.max : UInt32(frameBytes),
            minreq: record ? UInt32.max : UInt32(frameBytes),
            fragsize: record ? UInt32(frameBytes) : UInt32.max)
        var error: Int32 = 0
        let h = pa_simple_new(options.server, options.applicationName, record ? PA_STREAM_RECORD : PA_STREAM_PLAYBACK,
                              options.device, options.streamName, &spec, nil, &attr, &error)
        guard let h else {
            let reason = String(cString: pa_strerror(error))
            if error == Int32(PA_ERR_CONNECTIONREFUSED.rawValue) || error == Int32(PA_ERR_INVALIDSERVER.rawValue) {
                throw AudioServerError.unreachable(server: options.server, reason: reason)
            }
            throw AudioServerError.streamFailed(device: options.device, reason: reason)
        }
        handle = h
    }

    deinit { pa_simple_free(handle) }

    func read(into samples: inout [Int16]) throws {
        var error: Int32 = 0
        let rc = samples.withUnsafeMutableBytes { pa_simple_read(handle, $0.baseAddress, $0.count, &error) }
        if rc < 0 { throw AudioServerError.ioFailed(reason: String(cString: pa_strerror(error))) }
    }

    func write(_ samples: [Int16]) throws {
        var error: Int32 = 0
        let rc = samples.withUnsafeBytes { pa_simple_write(handle, $0.baseAddress, $0.count, &error) }
        if rc < 0 { throw AudioServerError.ioFailed(reason: String(cString: pa_strerror(error))) }
    }

    /// Server-reported latency of this stream, in microseconds.
    func latencyMicroseconds() -> UInt64 {
        var error: Int32 = 0
        return pa_simple_get_latency(handle, &error)
    }

    func drain() {
        var error: Int32 = 0
        _ = pa_simple_drain(handle, &error)
    }

    static var libraryVersion: String { String(cString: pa_get_library_version()) }
}
