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

    public func log(event: LogEvent) {
        var cleaned = event
        cleaned.message = "\(redactor.redact(event.message.description))"
        var metadata = event.metadata?.mapValues { Logger.MetadataValue.string(redactor.redact($0.description)) }
        // An attached error's text can carry what the caller said: it goes on as redacted metadata.
        if let error = event.error {
            metadata = (metadata ?? [:]).merging(["error": .string(redactor.redact("\(error)"))]) { $1 }
            cleaned.error = nil
        }
        cleaned.metadata = metadata
        inner.log(event: cleaned)
    }
}
