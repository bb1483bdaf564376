import Audio
import RingsideCore
import Speech

/// pocketsphinx with its words cut to the first `keepWords` (as it drops a digit of an order number)
/// and its final held until `beforeFinal` returns (a slow final pass the test controls).
public final class AlteredRecognizer: SpeechRecognizer, @unchecked Sendable {
    public let base: PocketSphinxRecognizer
    public let keepWords: Int?
    public let beforeFinal: @Sendable () async -> Void
    public var engineName: String { "altered" }

    public init(_ base: PocketSphinxRecognizer, keepWords: Int? = nil, beforeFinal: @escaping @Sendable () async -> Void = {}) {
        self.base = base
        self.keepWords = keepWords
        self.beforeFinal = beforeFinal
    }

    private func cut(_ text: String) -> String { keepWords.map { text.split(separator: " ").prefix($0).joined(separator: " ") } ?? text }

    public func beginUtterance(expecting expectation: RecognitionExpectation?) async throws { try await base.beginUtterance(expecting: expectation) }
    public func accept(_ frame: AudioFrame) async throws -> PartialTranscript? {
        guard var p = try await base.accept(frame) else { return nil }
        p.text = cut(p.text)
        return p
    }
    public func endUtterance() async throws -> RecognitionResult {
        await beforeFinal()
        var result = try await base.endUtterance()
        result.text = cut(result.text)
        return result
    }
}

/// Opens once, by the test or by itself 5 s after the first wait (so a listener that blocks on the
/// final fails the test instead of hanging).
public final class FinalGate: @unchecked Sendable {
    private let opened = LockedValue(false)
    private let timerStarted = LockedValue(false)
    private let waiters = LockedValue<[CheckedContinuation<Void, Never>]>([])

    public init() {}

    public var isOpen: Bool { opened.withLock { $0 } }

    public func open() {
        opened.withLock { $0 = true }
        for w in waiters.withLock({ w -> [CheckedContinuation<Void, Never>] in defer { w = [] }; return w }) { w.resume() }
    }

    public func wait() async {
        if timerStarted.withLock({ started -> Bool in defer { started = true }; return !started }) {
            Task { [self] in
                try? await Task.sleep(for: .seconds(5))
                open()
            }
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = opened.withLock { isOpen -> Bool in
                if !isOpen { waiters.withLock { $0.append(c) } }
                return isOpen
            }
            if resumeNow { c.resume() }
        }
    }
}
