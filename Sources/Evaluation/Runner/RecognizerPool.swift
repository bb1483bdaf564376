import Foundation
import Speech

/// Recognisers kept between calls, one set per agent: building and adapting pocketsphinx to an
/// agent (the domain model and one interpolated model per kind of expected answer) costs seconds per
/// call, far more than the call itself in virtual time. A recogniser comes back readied by
/// `startNewCall()`, which restores the state live decoding carries between utterances.
///
/// Opt-in for now: reuse was first measured as unstable (the same scenario alternated pass/fail on
/// one decoder), which turned out to be flite's unseeded excitation noise, since fixed; three reused
/// runs then matched exactly, but reuse has not yet been validated across the whole library.
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
