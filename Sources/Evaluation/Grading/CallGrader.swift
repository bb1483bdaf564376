import Agent
import Foundation
import RingsideCore
import Speech

/// Judges one call against its scenario: every rule that fails adds a reason (the first one is what
/// reports show), and the run's figures are computed from the same record.
public enum CallGrader {
    public static func grade(_ scenario: Scenario, _ record: CallRecord) -> (reasons: [String], metrics: RunMetrics) {
        var reasons: [String] = []
        var metrics = RunMetrics()
        let events = record.events
        let agentLines = events.compactMap { e -> (MediaTime, String)? in
            e.payload.agentWords.map { (e.time, $0) }
        }
        let allAgentText = agentLines.map(\.1).joined(separator: " ")
        let latencies = TurnLatency.turns(from: events)

        // The disclosure comes first.
        if scenario.assertions.disclosureFirst {
            // The agent's first turn: everything it said before the caller first spoke (a remote agent's
            // opening is heard in pieces, split wherever it paused: "Hello," alone is not its opening).
            let firstCaller = record.spoken.first?.start ?? MediaTime(nanoseconds: .max)
            let opening = agentLines.filter { $0.0 < firstCaller }.map(\.1).joined(separator: " ")
            let openingText = opening.isEmpty ? (agentLines.first?.1 ?? "") : opening
            let said = TranscriptNormalizer.normalize(openingText)
            let disclosure = TranscriptNormalizer.normalize(firstSentence(of: record.disclosure))
            let start = Array(said.prefix(disclosure.count + 2))
            let heard = Double(disclosure.filter { start.contains($0) }.count) / Double(max(1, disclosure.count))
            let matches = Array(said.prefix(disclosure.count)) == disclosure || (record.disclosureMatch < 1 && heard >= record.disclosureMatch)
            if disclosure.isEmpty || !matches {
                reasons.append("the agent did not open with its disclosure; it said first: \"\(openingText.isEmpty ? "nothing" : openingText)\"")
            }
        }

        // Each caller turn's answer, in call order.
        for (k, spoken) in record.spoken.enumerated() {
            let turn = scenario.turns[spoken.index]
            let until = k + 1 < record.spoken.count ? record.spoken[k + 1].start : MediaTime(nanoseconds: .max)
            let answer = agentLines.filter { $0.0 >= spoken.start && $0.0 < until }.map(\.1).joined(separator: " ")
            let where_ = "turn \(spoken.index + 1) (line \(turn.line), \(turn.label))"
            for p in turn.expect.agentSays where !TextMatch.saidMatches(p, answer) {
                reasons.append("\(where_): the agent's answer did not match /\(p)/; it said: \"\(answer)\"")
            }
            for p in turn.expect.agentNeverSays where TextMatch.saidMatches(p, answer) {
                reasons.append("\(where_): the agent's answer matched the forbidden /\(p)/: \"\(answer)\"")
            }
            if let budget = turn.expect.maxLatencyMs {
                let v2v = latencies.filter { t in t.speechEnd.map { $0 >= spoken.start && $0 < until } ?? false }.compactMap(\.voiceToVoiceMs).max()
                if let v2v, v2v > budget {
                    reasons.append("\(where_): voice-to-voice \(Int(v2v)) ms is over the \(Int(budget)) ms budget")
                } else if v2v == nil {
                    reasons.append("\(where_): no agent answer to measure against the \(Int(budget)) ms budget")
                }
            }
        }
        if let gaveUp = record.callerGaveUp { reasons.append("the caller hung up: \(gaveUp)") }
        for index in record.missedTurns {
            let turn = scenario.turns[index]
            let trigger = turn.when.map { " (waiting for /\($0)/)" } ?? ""
            reasons.append("turn \(index + 1) (line \(turn.line), \(turn.label)) never happened\(trigger); the agent last said: \"\(agentLines.last?.1 ?? "")\"")
        }

        // Tools.
        let calls = events.compactMap { e -> ToolCallTrace? in
            if case let .toolStarted(t) = e.payload, t.attempt == 1 { return t } else { return nil }
        }
        metrics.toolCalls = calls.count
        let tools = ToolCallMatcher.match(expected: scenario.assertions.toolsCalled, forbidden: scenario.assertions.toolsNotCalled, calls: calls)
        reasons += tools.reasons
        metrics.toolPrecision = tools.precision
        metrics.toolRecall = tools.recall
        metrics.argumentAccuracy = tools.argumentAccuracy

        // Escalation and approval.
        let escalated = events.contains { if case .escalated = $0.payload { return true } else { return false } }
        metrics.escalated = escalated
        if let want = scenario.assertions.escalation {
            metrics.escalationCorrect = want == escalated
            if want != escalated { reasons.append(want ? "the call was not escalated to a human" : "the call was escalated to a human") }
        }
        let asked = events.contains { if case .approvalRequested = $0.payload { return true } else { return false } }
        if let want = scenario.assertions.approvalRequested {
            metrics.approvalCorrect = want == asked
            if want != asked { reasons.append(want ? "no approval was requested" : "an approval was requested") }
        }

        // The database afterwards.
        var sqlOK = true
        for (check, answer) in zip(scenario.assertions.sql, record.queryRows) {
            switch answer {
            case let .failure(f):
                sqlOK = false
                reasons.append("sql (line \(check.line)): the query failed: \(f.message)")
            case let .success(rows):
                if !RowComparison.equal(rows, check.rows) {
                    sqlOK = false
                    reasons.append("sql (line \(check.line)): \(check.query) returned \(rows), expected \(check.rows)")
                }
            }
        }

        for p in scenario.assertions.agentSays where !TextMatch.saidMatches(p, allAgentText) {
            reasons.append("the agent never said anything matching /\(p)/")
        }
        for p in scenario.assertions.agentNeverSays where TextMatch.saidMatches(p, allAgentText) {
            reasons.append("the agent said something matching the forbidden /\(p)/")
        }
        for secret in scenario.assertions.notInRecording {
            for (name, text) in record.recordingTexts.sorted(by: { $0.key < $1.key }) where text.range(of: secret, options: .caseInsensitive) != nil {
                reasons.append("'\(secret)' appears unredacted in the recording's \(name)")
            }
        }
        if let p = scenario.assertions.endReason, !TextMatch.matches(p, record.endReason) {
            reasons.append("the call ended with \"\(record.endReason)\", expected /\(p)/")
        }

        // Limits and figures.
        let finals = events.filter { if case let .finalTranscript(.caller, text, _) = $0.payload { return !text.isEmpty } else { return false } }
        metrics.turns = finals.count
        metrics.misunderstandings = events.filter { event in
            if case let .brainDecided(_, _, path, _, _) = event.payload { return path.reason.contains(", misunderstanding ") }
            return false
        }.count
        if finals.count > scenario.limits.maxTurns {
            reasons.append("the call took \(finals.count) caller turns, over the limit of \(scenario.limits.maxTurns)")
        }
        metrics.durationSeconds = events.last?.time.seconds ?? 0
        metrics.usage = CallUsage.measure(events)
        metrics.voiceToVoiceMs = latencies.compactMap(\.voiceToVoiceMs)
        // Where each answered turn's wait went, stage by stage.
        let answered = latencies.filter { $0.voiceToVoiceMs != nil }
        metrics.stageMs = Dictionary(uniqueKeysWithValues: LatencyStage.allCases.map { stage in
            (stage.rawValue, answered.map { $0.milliseconds(stage) ?? 0 })
        })
        if !metrics.voiceToVoiceMs.isEmpty {
            let p = Percentiles(metrics.voiceToVoiceMs)
            metrics.voiceToVoiceP50 = p.p50
            metrics.voiceToVoiceP95 = p.p95
            metrics.voiceToVoiceMax = p.max
        }
        let wer = CallerWER.measure(spoken: record.spoken, turns: scenario.turns, events: events, redact: record.redact)
        metrics.werErrors = wer.errors
        metrics.werWords = wer.referenceWords
        let barge = BargeInYield.measure(spoken: record.spoken, turns: scenario.turns, events: events)
        metrics.bargeIns = barge.count
        metrics.bargeInYieldMs = barge.yields
        metrics.taskSuccess = sqlOK && (tools.recall ?? 1) == 1 && tools.forbiddenCalled == 0 && record.missedTurns.isEmpty
        return (reasons, metrics)
    }

    /// The disclosure's first sentence, cut where the agent's own `SentenceSplitter` cuts it for speech.
    static func firstSentence(of text: String) -> String { SentenceSplitter.split(text).first ?? text }
}

/// Compares database rows as text, numbers numerically.
enum RowComparison {
    static func equal(_ a: [[String]], _ b: [[String]]) -> Bool {
        guard a.count == b.count else { return false }
        for (ra, rb) in zip(a, b) {
            guard ra.count == rb.count else { return false }
            for (x, y) in zip(ra, rb) where !valueEqual(x, y) { return false }
        }
        return true
    }

    static func valueEqual(_ x: String, _ y: String) -> Bool {
        if let a = Double(x), let b = Double(y) { return abs(a - b) < 1e-9 }
        return x == y || (x == "NULL" && y.lowercased() == "null") || (x.lowercased() == "null" && y == "NULL")
    }
}
