import Foundation

/// Recognisers kept between calls, one set per agent: building and adapting pocketsphinx to an
/// agent (the domain model and one interpolated model per kind of expected answer) costs seconds per
/// call, far more than the call itself in virtual time. A recogniser comes back readied by
/// `startNewCall()`, which restores the state live decoding carries between utterances.
///
/// `serve` keeps one pool for its whole life (a call's setup then costs no model loading); the
/// telephone-band recognisers (`narrowband`) are kept apart from the wideband ones.
///
/// In `ringside test`, opt-in for now: reuse was first measured as unstable (the same scenario alternated pass/fail on
/// one decoder), which turned out to be flite's unseeded excitation noise, since fixed; three reused
/// runs then matched exactly, but reuse has not yet been validated across the whole library.
public actor RecognizerPool {
    private var idle: [String: [PocketSphinxRecognizer]] = [:]

    public init() {}

    /// How many recognisers were built (not reused) so far.
    public private(set) var built = 0

    /// A recogniser for `agent`'s calls: a reused one, readied, or a new one (adapted by the call).
    /// `narrowband`: for telephone-band audio (G.711), which restores the missing top octave first.
    /// `search`: further pocketsphinx flags for a recogniser built here (the same for every check-out of one `agent`).
    public func checkOut(agent: URL, narrowband: Bool = false, search: [String: String] = [:]) async throws -> PocketSphinxRecognizer {
        let key = Self.key(agent, narrowband)
        if var list = idle[key], let r = list.popLast() {
            idle[key] = list
            await r.startNewCall()
            return r
        }
        var configuration = try PocketSphinxConfiguration.standard()
        configuration.narrowband = narrowband
        configuration.extraArguments = search
        built += 1
        return try PocketSphinxRecognizer(configuration: configuration)
    }

    /// Returns a recogniser after its call ended; with `keepAtMost`, one beyond that many idle is dropped
    /// (a burst of simultaneous calls does not keep its decoders for ever).
    public func checkIn(_ recognizer: PocketSphinxRecognizer, agent: URL, narrowband: Bool = false, keepAtMost: Int? = nil) {
        let key = Self.key(agent, narrowband)
        if let keepAtMost, idle[key, default: []].count >= keepAtMost { return }
        idle[key, default: []].append(recognizer)
    }

    private static func key(_ agent: URL, _ narrowband: Bool) -> String { agent.standardizedFileURL.path + (narrowband ? "#narrowband" : "") }
}
