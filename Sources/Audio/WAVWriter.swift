import Foundation

/// Appends PCM to a WAV file as it arrives and keeps the header's sizes current on every flush,
/// so a recording cut short by a crash is still a playable file.
public final class WAVWriter {
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    private let handle: FileHandle
    private var dataBytes = 0
    private var pending = Data()

    public init(path: String, sampleRate: Int, channels: Int) throws {
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        guard FileManager.default.createFile(atPath: path, contents: WAVFile.header(sampleRate: sampleRate, channels: channels, dataBytes: 0)) else {
            throw WAVError.unreadable(path: path, reason: "cannot create the file")
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw WAVError.unreadable(path: path, reason: "cannot open the file for writing")
        }
        handle = h
        try handle.seekToEnd()
    }

    /// Buffers interleaved samples; call `flush()` to put them on disk.
    public func append(_ samples: [Int16]) {
        samples.withUnsafeBytes { pending.append(contentsOf: $0) }
    }

    /// Writes buffered audio and updates the header so the file is complete as it stands.
    public func flush() throws {
        if !pending.isEmpty {
            try handle.seekToEnd()
            try handle.write(contentsOf: pending)
            dataBytes += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        try handle.seek(toOffset: 4)
        try handle.write(contentsOf: le32(36 + dataBytes))
        try handle.seek(toOffset: 40)
        try handle.write(contentsOf: le32(dataBytes))
        try handle.synchronize()
    }

    public var framesWritten: Int { (dataBytes + pending.count) / (2 * channels) }

    public func close() throws {
        try flush()
        try handle.close()
    }

    private func le32(_ v: Int) -> Data {
        var x = UInt32(truncatingIfNeeded: v).littleEndian
        return withUnsafeBytes(of: &x) { Data($0) }
    }
}
