import Audio
import RingsideCore

/// Finds DTMF digits sent as tones inside the audio (for peers that do not use RFC 4733).
///
/// Each 20 ms frame is measured with the Goertzel algorithm at the eight DTMF frequencies; a digit
/// counts when one low and one high tone clearly dominate their groups for two frames in a row,
/// and is reported once until the tones stop.
public struct InBandDTMFDetector: Sendable {
    static let low: [Double] = [697, 770, 852, 941]
    static let high: [Double] = [1209, 1336, 1477, 1633]
    static let keys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"]]

    /// Minimum power of each tone (a full-scale sine is about 0.25; −30 dBFS is about 2.5e-4).
    public var threshold: Double
    private var candidate: Character?
    private var candidateFrames = 0
    private var reported: Character?

    public init(threshold: Double = 2.5e-4) { self.threshold = threshold }

    /// Feeds one frame; returns a digit the first time it is confirmed.
    public mutating func process(_ frame: AudioFrame) -> Character? {
        let rate = frame.rate.hertz
        let lows = Self.low.map { Goertzel.power(of: $0, in: frame.samples, sampleRate: rate) }
        let highs = Self.high.map { Goertzel.power(of: $0, in: frame.samples, sampleRate: rate) }
        let digit = Self.pick(lows: lows, highs: highs, threshold: threshold)
        guard let digit else {
            candidate = nil
            candidateFrames = 0
            reported = nil
            return nil
        }
        if digit == candidate { candidateFrames += 1 } else { candidate = digit; candidateFrames = 1 }
        guard candidateFrames >= 2, reported != digit else { return nil }
        reported = digit
        return digit
    }

    private static func pick(lows: [Double], highs: [Double], threshold: Double) -> Character? {
        guard let li = lows.indices.max(by: { lows[$0] < lows[$1] }), let hi = highs.indices.max(by: { highs[$0] < highs[$1] }) else { return nil }
        let l = lows[li], h = highs[hi]
        guard l > threshold, h > threshold else { return nil }
        // Each tone must stand well above the others in its group, and the two within 8 dB (twist).
        let lowRest = lows.enumerated().filter { $0.offset != li }.map(\.element).max() ?? 0
        let highRest = highs.enumerated().filter { $0.offset != hi }.map(\.element).max() ?? 0
        guard l > 10 * lowRest, h > 10 * highRest, max(l, h) < 6.3 * min(l, h) else { return nil }
        return keys[li][hi]
    }
}
