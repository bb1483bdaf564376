import Audio
import RingsideCore

/// Energy voice activity detection against an adaptive noise floor.
///
/// The floor is the quietest frame level of the last `window` frames (minimum statistics), so it
/// follows steady noise within the window while speech, which always has quiet gaps, does not lift
/// it. A frame is speech when its level is `margin` dB above the floor and above `absoluteFloor`.
/// Compared with speexdsp's detector in the speech bench (frame accuracy per condition).
public final class EnergyVAD: VoiceActivityDetector {
    public var margin: Double
    public var absoluteFloor: Double
    public let window: Int
    private var levels: [Double] = []
    private var head = 0

    public init(margin: Double = 10, absoluteFloor: Double = -60, window: Int = 100) {
        self.margin = margin
        self.absoluteFloor = absoluteFloor
        self.window = max(1, window)
    }

    /// Current noise floor estimate, dBFS (−100 before any frame).
    public var noiseFloor: Double { levels.min() ?? -100 }

    public func isSpeech(_ frame: AudioFrame) -> Bool {
        let level = AudioLevel(frame: frame).rmsDBFS
        if levels.count < window {
            levels.append(level)
        } else {
            levels[head] = level
            head = (head + 1) % window
        }
        let floor = max(-100, noiseFloor + 2)
        return level > floor + margin && level > absoluteFloor
    }
}
