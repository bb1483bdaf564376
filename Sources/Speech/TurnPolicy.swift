import RingsideCore

/// How long to wait in silence before deciding the caller has finished.
///
/// `.fixed` waits the same window whatever was said. `.adaptive` reads the partial transcript:
/// a turn that sounds finished ("…next Tuesday please", a yes to a yes/no question, all digits of
/// an order number) gets a short window; one that trails off ("and", "um", "my number is four
/// two…") gets a long one.
public struct TurnPolicy: Sendable, Equatable {
    public var adaptive: Bool
    /// The window for the fixed policy, and for neutral endings under the adaptive one.
    public var window: MediaTime
    public var completeWindow: MediaTime
    public var likelyCompleteWindow: MediaTime
    public var incompleteWindow: MediaTime
    /// A digit string of unknown length may go on: wait this long after a digit.
    public var digitWindow: MediaTime

    public static let fixed = TurnPolicy(adaptive: false, window: .milliseconds(500))
    public static let adaptive = TurnPolicy(adaptive: true, window: .milliseconds(700))

    public init(adaptive: Bool, window: MediaTime, completeWindow: MediaTime = .milliseconds(220),
                likelyCompleteWindow: MediaTime = .milliseconds(320),
                incompleteWindow: MediaTime = .milliseconds(1100), digitWindow: MediaTime = .milliseconds(800)) {
        self.adaptive = adaptive
        self.window = window
        self.completeWindow = completeWindow
        self.likelyCompleteWindow = likelyCompleteWindow
        self.incompleteWindow = incompleteWindow
        self.digitWindow = digitWindow
    }

    /// The silence window after `partial`, and which window it is.
    public func window(after partial: String, expecting expectation: RecognitionExpectation?) -> (MediaTime, EndOfTurnRule.SilenceWindow) {
        guard adaptive else { return (window, .fixed) }
        switch TurnCompleteness.judge(partial, expecting: expectation) {
        case .complete: return (completeWindow, .complete)
        case .likelyComplete: return (likelyCompleteWindow, .likelyComplete)
        case .incomplete: return (incompleteWindow, .trailing)
        case .digitsContinuing: return (digitWindow, .digits)
        case .neutral: return (window, .neutral)
        }
    }
}
