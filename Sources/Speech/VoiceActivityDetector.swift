import Audio
import RingsideCore

/// Decides, frame by frame, whether a frame holds speech. Stateful (noise estimates), so one per stream.
public protocol VoiceActivityDetector: AnyObject {
    func isSpeech(_ frame: AudioFrame) -> Bool
}

/// speexdsp's preprocessor (wrapped in Audio) decides speech too.
extension SpeexPreprocessor: VoiceActivityDetector {}
