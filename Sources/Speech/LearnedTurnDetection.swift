import RingsideCore

/// End of turn decided by a learned model (Smart Turn) that hears the caller's last seconds of audio,
/// optionally with the transcript rules of `TurnPolicy` as a second opinion.
///
/// In a pause, once the caller has been silent for `askAfter`, the model is asked whether the turn
/// is complete; at `threshold` or above the turn ends there and then. Below it, the model is asked
/// again every `askAgainEvery` of further silence, and the turn ends anyway after `fallback`.
/// With `rules`, a partial transcript that clearly goes on (a trailing "and", an expected number
/// still short of digits) vetoes the model's early end, and the rules' own short windows for turns
/// that are plainly complete still apply.
public struct LearnedTurnDetection: Sendable {
    /// The audio the model reads: the last 8 s at 16 kHz.
    public static let windowSamples = 8 * 16_000

    public var model: any EndOfTurnModel
    public var threshold: Double
    public var askAfter: MediaTime
    public var askAgainEvery: MediaTime
    public var fallback: MediaTime
    public var rules: Bool

    public init(model: any EndOfTurnModel, rules: Bool = true, threshold: Double = 0.5, askAfter: MediaTime = .milliseconds(200),
                askAgainEvery: MediaTime = .milliseconds(400), fallback: MediaTime = .milliseconds(1600)) {
        self.model = model
        self.rules = rules
        self.threshold = threshold
        self.askAfter = askAfter
        self.askAgainEvery = askAgainEvery
        self.fallback = fallback
    }

    /// The endpoint policy that runs beside the model: the fallback window alone, or the rules with the
    /// fallback as the window for turns they cannot call.
    public var policy: TurnPolicy {
        rules ? TurnPolicy(adaptive: true, window: fallback)
              : TurnPolicy(adaptive: false, window: fallback)
    }

    /// The rules' veto: the words so far clearly go on.
    func vetoes(_ partial: String, expecting expectation: RecognitionExpectation?) -> Bool {
        guard rules else { return false }
        switch TurnCompleteness.judge(partial, expecting: expectation) {
        case .incomplete, .digitsContinuing: return true
        case .complete, .likelyComplete, .neutral: return false
        }
    }
}
