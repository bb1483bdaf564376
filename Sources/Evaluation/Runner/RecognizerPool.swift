import Foundation
import Speech

/// Recognisers kept between calls, one set per agent: building and adapting pocketsphinx to an
/// agent (the domain model and one interpolated model per kind of expected answer) costs seconds per
/// call, far more than the call itself in virtual time. A recogniser comes back readied by
/// `startNewCall()`, which restores the state live decoding carries between utterances.
///
/// Known limit: a reused decoder still does not always hear a line exactly as a fresh one does
/// (measured: the same scenario run three times on one decoder alternated pass/fail), so runs that
/// must be reproducible build a recogniser per call (the runner's default).
public actor RecognizerPool {
    private var idle: [String: [PocketSphinxRecognizer]] = [:]

    public init() {}

    /// A recogniser for `agent`'s calls: a reused one, readied, or a new one (adapted by the call).
    public func checkOut(agent: URL) async throws -> PocketSphinxRecognizer {
        let key = agent.standardizedFileURL.path
        if var list = idle[key], let r = list.popLast() {
            idle[key] = list
            await r.startNewCall()
            return r
        }
        return try PocketSphinxRecognizer(configuration: .standard())
    }

    /// Returns a recogniser after its call ended.
    public func checkIn(_ recognizer: PocketSphinxRecognizer, agent: URL) {
        idle[agent.standardizedFileURL.path, default: []].append(recognizer)
    }
}
