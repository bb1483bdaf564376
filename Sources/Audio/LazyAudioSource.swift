import Foundation
import RingsideCore

/// An audio source opened only when first read and closed again by `close()` (a later read opens it
/// anew): a device a call may never need, such as the operator's microphone for a takeover that may
/// not happen, costs nothing until then and nothing after.
public final class LazyAudioSource: AudioSource, @unchecked Sendable {
    public let rate: SampleRate
    public let isLive: Bool
    private let open: @Sendable () -> (any AudioSource)?
    private let lock = NSLock()
    private var source: (any AudioSource)?
    private var openFailed = false

    /// `open` makes the real source (nil when it cannot: reads then give nothing until `close()`).
    public init(rate: SampleRate, isLive: Bool, open: @escaping @Sendable () -> (any AudioSource)?) {
        self.rate = rate
        self.isLive = isLive
        self.open = open
    }

    /// Whether the real source is open now.
    public var isOpen: Bool { lock.withLock { source != nil } }

    /// Opens the real source now rather than at the first read, and returns self: for a reader that
    /// must never wait (a bridge's thread), and for a microphone that must hear from this moment on.
    @discardableResult
    public func opened() -> LazyAudioSource {
        _ = current()
        return self
    }

    private func current() -> (any AudioSource)? {
        lock.withLock {
            if source == nil && !openFailed {
                source = open()
                openFailed = source == nil
            }
            return source
        }
    }

    public func nextFrame() throws -> AudioFrame? { try current()?.nextFrame() }

    public func pollFrame() throws -> AudioFrame? { try current()?.pollFrame() }

    public func close() {
        let was = lock.withLock {
            defer { source = nil; openFailed = false }
            return source
        }
        was?.close()
    }
}
