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
        var segments: [Trimmed] = []
        for seg in u.segments {
            let job = try tts.synthesize(seg, rate: .hz16000)
            var speech: [Int16] = []
            for try await f in job.frames { speech += f.samples }
            segments.append(trimSilence(speech))
        }
        for (i, segment) in segments.enumerated() {
            samples += segment.samples
            // The pause is the quiet between the audible parts: the soft edges kept count towards it.
            if i < u.pausesMs.count {
                let soft = segment.softTail + (i + 1 < segments.count ? segments[i + 1].softHead : 0)
                samples += [Int16](repeating: 0, count: max(0, 16 * u.pausesMs[i] - soft))
            }
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

    /// A synthesised segment without flite's padding, and how many samples of soft sound (below the
    /// threshold) it keeps before and after the audible part.
    struct Trimmed {
        var samples: [Int16]
        var softHead = 0
        var softTail = 0
    }

    /// Soft sound kept on each side of the audible part: a voiced stop's prevoicing ("book") and a
    /// word's release ("and") lie below the threshold, and cutting them changes the words — Whisper
    /// heard "but can you one" for "book a new one" after a pause with both edges cut flat.
    static let softEdgeMs = 100

    /// flite pads utterances with silence; cut it (all but the soft edges) so pauses are what the corpus says.
    static func trimSilence(_ s: [Int16]) -> Trimmed {
        let threshold: Int16 = 64
        guard let first = s.firstIndex(where: { abs(Int($0)) > threshold }),
              let last = s.lastIndex(where: { abs(Int($0)) > threshold }) else { return Trimmed(samples: s) }
        let start = max(0, first - 16 * softEdgeMs), end = min(s.count - 1, last + 16 * softEdgeMs)
        return Trimmed(samples: Array(s[start...end]), softHead: first - start, softTail: end - last)
    }
}
