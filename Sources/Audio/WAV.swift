import Foundation
import RingsideCore

/// Interleaved 16-bit PCM with its format: what a WAV file holds.
public struct PCMAudio: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: Int
    /// Interleaved samples (L R L R … for stereo).
    public var samples: [Int16]

    public init(sampleRate: Int, channels: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }
    public var duration: Double { sampleRate > 0 ? Double(frameCount) / Double(sampleRate) : 0 }

    /// One channel as mono samples.
    public func channel(_ index: Int) -> [Int16] {
        guard channels > 1 else { return samples }
        var out = [Int16]()
        out.reserveCapacity(frameCount)
        var i = index
        while i < samples.count { out.append(samples[i]); i += channels }
        return out
    }

    /// Mixes all channels down to mono.
    public func mono() -> [Int16] {
        guard channels > 1 else { return samples }
        var out = [Int16]()
        out.reserveCapacity(frameCount)
        var i = 0
        while i + channels <= samples.count {
            var sum = 0
            for c in 0..<channels { sum += Int(samples[i + c]) }
            out.append(Int16(clamping: sum / channels))
            i += channels
        }
        return out
    }
}

/// Why a WAV file could not be read. Each case names the file and the problem.
public enum WAVError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notFound(path: String)
    case isDirectory(path: String)
    case tooShort(path: String, bytes: Int)
    case notRIFF(path: String)
    case notWAVE(path: String)
    case missingFormatChunk(path: String)
    case missingDataChunk(path: String)
    case notPCM(path: String, formatTag: Int)
    case unsupportedBitsPerSample(path: String, bits: Int)
    case absurdHeader(path: String, field: String, value: Int)
    case truncated(path: String, declaredBytes: Int, availableBytes: Int)
    /// The file ends inside a header chunk.
    case headerCutShort(path: String, chunk: String, bytes: Int)

    public var description: String {
        switch self {
        case let .unreadable(p, r): return "\(p): cannot read the file: \(r)"
        case let .notFound(p): return "\(p): no such file"
        case let .isDirectory(p): return "\(p): is a directory, not a WAV file"
        case let .tooShort(p, n): return "\(p): only \(n) bytes, too short for a WAV header (44 bytes at least)"
        case let .notRIFF(p): return "\(p): not a WAV file (no RIFF signature at the start)"
        case let .notWAVE(p): return "\(p): RIFF file that is not WAVE audio"
        case let .missingFormatChunk(p): return "\(p): no 'fmt ' chunk before the audio data"
        case let .missingDataChunk(p): return "\(p): no 'data' chunk: the file holds no audio"
        case let .notPCM(p, tag): return "\(p): audio format \(tag) is not PCM (convert it with: sox IN -e signed-integer -b 16 OUT.wav)"
        case let .unsupportedBitsPerSample(p, b): return "\(p): \(b)-bit samples are not supported; Ringside reads 16-bit PCM"
        case let .absurdHeader(p, f, v): return "\(p): header field \(f) = \(v) is impossible"
        case let .truncated(p, d, a): return "\(p): data chunk declares \(d) bytes but only \(a) are present (repair it with: ringside repair-wav \(p))"
        case let .headerCutShort(p, c, n): return "\(p): the header is cut short: the file ends inside its '\(c)' chunk, after \(n) bytes"
        }
    }
}

/// Reads and writes 16-bit PCM WAV files (mono or stereo, any rate).
public enum WAVFile {
    /// Reads a whole file. With `lenient`, a data chunk shorter than declared (a recording whose
    /// writer was killed) yields the samples present instead of `.truncated`.
    public static func read(path: String, lenient: Bool = false) throws -> PCMAudio {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw WAVError.notFound(path: path) }
        if isDirectory.boolValue { throw WAVError.isDirectory(path: path) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            // Foundation's message here is a bare error domain and number; the system's says why.
            let reason = access(path, R_OK) != 0 ? String(cString: strerror(errno)) : "the read failed"
            throw WAVError.unreadable(path: path, reason: reason)
        }
        return try decode(data, path: path, lenient: lenient)
    }

    public static func decode(_ data: Data, path: String = "<memory>", lenient: Bool = false) throws -> PCMAudio {
        let bytes = [UInt8](data)
        guard bytes.count >= 12 else { throw WAVError.tooShort(path: path, bytes: bytes.count) }
        guard bytes[0..<4] == [0x52, 0x49, 0x46, 0x46] else { throw WAVError.notRIFF(path: path) }
        guard bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else { throw WAVError.notWAVE(path: path) }

        var format: (tag: Int, channels: Int, rate: Int, bits: Int, blockAlign: Int)?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(le32(bytes, offset + 4))
            let body = offset + 8
            switch id {
            case "fmt ":
                guard size >= 16 else { throw WAVError.absurdHeader(path: path, field: "fmt chunk size", value: size) }
                guard body + 16 <= bytes.count else { throw WAVError.headerCutShort(path: path, chunk: "fmt ", bytes: bytes.count) }
                var tag = Int(le16(bytes, body))
                let channels = Int(le16(bytes, body + 2))
                let rate = Int(le32(bytes, body + 4))
                let blockAlign = Int(le16(bytes, body + 12))
                let bits = Int(le16(bytes, body + 14))
                // WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID.
                if tag == 0xFFFE, size >= 40, body + 26 <= bytes.count { tag = Int(le16(bytes, body + 24)) }
                format = (tag, channels, rate, bits, blockAlign)
            case "data":
                guard let f = format else { throw WAVError.missingFormatChunk(path: path) }
                try validate(f, path: path)
                let available = bytes.count - body
                var length = size
                // Writers that stream set the size to 0 or 0xFFFFFFFF until they finish.
                if size == 0xFFFF_FFFF || (size == 0 && available > 0 && lenient) { length = available }
                if length > available {
                    guard lenient else { throw WAVError.truncated(path: path, declaredBytes: size, availableBytes: available) }
                    length = available
                }
                length -= length % f.blockAlign
                var samples = [Int16](repeating: 0, count: length / 2)
                samples.withUnsafeMutableBytes { dst in
                    bytes.withUnsafeBytes { src in
                        dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[body..<body + length]))
                    }
                }
                if Int16(littleEndian: 1) != 1 { samples = samples.map { Int16(littleEndian: $0) } }
                return PCMAudio(sampleRate: f.rate, channels: f.channels, samples: samples)
            default:
                break
            }
            guard size >= 0, body + size >= body else { break }
            offset = body + size + (size & 1)
        }
        if format == nil { throw WAVError.missingFormatChunk(path: path) }
        throw WAVError.missingDataChunk(path: path)
    }

    private static func validate(_ f: (tag: Int, channels: Int, rate: Int, bits: Int, blockAlign: Int), path: String) throws {
        guard f.tag == 1 else { throw WAVError.notPCM(path: path, formatTag: f.tag) }
        guard (1...8).contains(f.channels) else { throw WAVError.absurdHeader(path: path, field: "channels", value: f.channels) }
        guard (1000...384_000).contains(f.rate) else { throw WAVError.absurdHeader(path: path, field: "sample rate", value: f.rate) }
        guard f.bits == 16 else { throw WAVError.unsupportedBitsPerSample(path: path, bits: f.bits) }
        guard f.blockAlign == f.channels * 2 else { throw WAVError.absurdHeader(path: path, field: "block align", value: f.blockAlign) }
    }

    /// Writes a complete file atomically.
    public static func write(_ audio: PCMAudio, to path: String) throws {
        var data = header(sampleRate: audio.sampleRate, channels: audio.channels, dataBytes: audio.samples.count * 2)
        audio.samples.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// A 44-byte canonical PCM header.
    public static func header(sampleRate: Int, channels: Int, dataBytes: Int) -> Data {
        var h = Data()
        func u32(_ v: Int) { var x = UInt32(truncatingIfNeeded: v).littleEndian; withUnsafeBytes(of: &x) { h.append(contentsOf: $0) } }
        func u16(_ v: Int) { var x = UInt16(truncatingIfNeeded: v).littleEndian; withUnsafeBytes(of: &x) { h.append(contentsOf: $0) } }
        h.append(contentsOf: Array("RIFF".utf8)); u32(36 + dataBytes)
        h.append(contentsOf: Array("WAVE".utf8))
        h.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(1); u16(channels); u32(sampleRate)
        u32(sampleRate * channels * 2); u16(channels * 2); u16(16)
        h.append(contentsOf: Array("data".utf8)); u32(dataBytes)
        return h
    }

    /// Rewrites the size fields of a WAV whose writer died, so every player accepts it.
    /// Returns the number of audio bytes the repaired file declares.
    @discardableResult
    public static func repair(path: String) throws -> Int {
        let audio = try read(path: path, lenient: true)
        try write(audio, to: path)
        return audio.samples.count * 2
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
