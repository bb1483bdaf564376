import Audio
import RingsideCore
import Speech

/// A corpus utterance synthesised once, with its truth labels, shared by every condition.
struct PreparedUtterance: Sendable {
    var utterance: CorpusUtterance
    /// Clean 16 kHz samples: lead-in silence, speech with pauses, trailing silence.
    var samples: [Int16]
    /// Per 20 ms frame: does the clean signal hold speech?
    var labels: [Bool]
    /// End of the last speech frame.
    var trueEnd: MediaTime
    /// Mean power of speech frames (for SNR).
    var speechPower: Double

    static let leadMs = 300
    static let tailMs = 1600

    static func prepare(_ u: CorpusUtterance) async throws -> PreparedUtterance {
        let tts = try FliteSynthesizer(voice: u.voice)
        var samples = [Int16](repeating: 0, count: 16 * leadMs)
        for (i, seg) in u.segments.enumerated() {
            let job = try tts.synthesize(seg, rate: .hz16000)
            var speech: [Int16] = []
            for try await f in job.frames { speech += f.samples }
            samples += trimSilence(speech)
            if i < u.pausesMs.count { samples += [Int16](repeating: 0, count: 16 * u.pausesMs[i]) }
        }
        samples += [Int16](repeating: 0, count: 16 * tailMs)
        let frames = AudioFrame.frames(from: samples, rate: .hz16000)
        let levels = frames.map { AudioLevel(frame: $0).rmsDBFS }
        let peak = levels.max() ?? -120
        let labels = levels.map { $0 > max(-55, peak - 40) }
        let last = labels.lastIndex(of: true) ?? 0
        var power = 0.0, n = 0
        for (f, l) in zip(frames, labels) where l {
            for s in f.samples { power += Double(s) * Double(s) }
            n += f.samples.count
        }
        return PreparedUtterance(utterance: u, samples: samples, labels: labels,
                                 trueEnd: .milliseconds(Double((last + 1) * 20)), speechPower: power / Double(max(1, n)))
    }

    /// flite pads utterances with silence; cut it so pauses are exactly what the corpus says.
    static func trimSilence(_ s: [Int16]) -> [Int16] {
        let threshold: Int16 = 64
        guard let first = s.firstIndex(where: { abs(Int($0)) > threshold }),
              let last = s.lastIndex(where: { abs(Int($0)) > threshold }) else { return s }
        return Array(s[first...last])
    }
}
