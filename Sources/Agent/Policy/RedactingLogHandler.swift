import Logging

/// A swift-log handler that redacts every message and metadata value before passing it on,
/// so no log line carries a card number, an SSN or a date of birth.
public struct RedactingLogHandler: LogHandler {
    private var inner: any LogHandler
    private let redactor: Redactor

    public init(wrapping inner: any LogHandler, redactor: Redactor = Redactor()) {
        self.inner = inner
        self.redactor = redactor
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let cleaned = metadata?.mapValues { Logger.MetadataValue.string(redactor.redact($0.description)) }
        inner.log(level: level, message: "\(redactor.redact(message.description))", metadata: cleaned, source: source, file: file, function: function, line: line)
    }
}
