import Foundation
import Logging

/// Log lines appended to a file, from any thread.
final class FileLogStream: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(handle: FileHandle) { self.handle = handle }

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }
}

/// A swift-log handler writing `TIME LEVEL LABEL: MESSAGE key=value…` lines to a file.
struct FileLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let stream: FileLogStream

    init(label: String, level: Logger.Level, stream: FileLogStream) {
        self.label = label
        logLevel = level
        self.stream = stream
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let extra = all.isEmpty ? "" : " " + all.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        stream.write("\(Date()) \(event.level) \(label): \(event.message)\(extra)")
    }
}
