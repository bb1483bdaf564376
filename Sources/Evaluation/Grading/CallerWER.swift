import RingsideCore
import Speech

/// Caller-side word error rate: what the recogniser made of each scripted line.
///
/// The reference is the line as written; the hypothesis is every caller final recognised while that
/// line and the agent's answer to it lasted. Both are redacted by the agent's policy (the event stream
/// is, so a spoken date of birth is "[dob]" on both sides), then scored by `TranscriptNormalizer.scoring`
/// (lower case, no punctuation, numerals spelled out, fillers dropped, "a m" → "am", contractions
/// written out). Answers to a
/// question for personal data, which the session writes as "[redacted]" whatever was heard, are left out.
enum CallerWER {
    static func measure(spoken: [ScenarioCaller.SpokenTurn], turns: [ScenarioTurn], events: [CallEvent],
                        redact: (String) -> String) -> WordErrorRate {
        var total = WordErrorRate(errors: 0, referenceWords: 0)
        let finals = events.compactMap { e -> (MediaTime, String)? in
            if case let .finalTranscript(.caller, text, _) = e.payload { return (e.time, text) } else { return nil }
        }
        for (k, s) in spoken.enumerated() {
            guard let reference = turns[s.index].spokenText else { continue }
            let until = k + 1 < spoken.count ? spoken[k + 1].start : MediaTime(nanoseconds: .max)
            let hypothesis = finals.filter { $0.0 >= s.start && $0.0 < until }.map(\.1).joined(separator: " ")
            // An answer to a question for personal data is written "[redacted]" whatever was heard: not measurable.
            if hypothesis.contains("[redacted]") { continue }
            total = total + WordErrorRate(reference: redact(reference), hypothesis: hypothesis)
        }
        return total
    }
}
