import Agent
import Audio
import Foundation
import RingsideCore
import Session

/// Turns a recorded call (a `CallRecorder` folder) into a scenario YAML, so a call that went wrong
/// in production, or one worth keeping, becomes a regression test.
///
/// The caller's final transcripts become scripted `say` turns. `writeScenario` also cuts each
/// utterance's audio from `call.wav`, writes it next to the scenario as `<stem>-turnN.wav` and gives
/// the turn `audio:`, so the test replays what was really said; `yaml` alone (no place to put clips)
/// leaves the lines to the scenario's synthetic voice. The tool calls made (name
/// and arguments), the escalation and the approvals become assertions, marked for review: they
/// describe what the agent *did*, which is not necessarily what it *should* have done.
///
/// A recording of a remote agent (`ringside supervise`, or a test over `--target sip:`) knows the
/// agent only by what was heard of it (`farEndHeard`): its tools, escalations and approvals are not
/// observable over SIP, so each caller line expects instead some of the words the agent was heard to
/// answer it with (`expect: agent_says`, its longest words as alternatives: the recogniser hears a
/// reply differently from call to call), and the call the words it opened with. What the caller said
/// to an operator during a takeover (between `takeover` and `handback`) is left out: the agent never heard it.
public enum RecordingToScenario {
    /// What went wrong reading a recording.
    public struct ConversionError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The scenario YAML for `recording`, its lines spoken by the synthetic caller voice (use
    /// `writeScenario` to replay the recorded audio). `agentDirectory`, when given, is loaded to drop
    /// arguments the agent's tools do not declare and to name the agent.
    public static func yaml(recording: URL, agentDirectory: URL?) throws -> String {
        try convert(recording: recording, agentDirectory: agentDirectory, clipStem: nil).yaml
    }

    /// Writes the scenario to `file` and the caller's audio clips next to it; returns the YAML.
    @discardableResult
    public static func writeScenario(recording: URL, agentDirectory: URL?, to file: URL) throws -> String {
        let stem = file.deletingPathExtension().lastPathComponent
        let result = try convert(recording: recording, agentDirectory: agentDirectory, clipStem: stem)
        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for clip in result.clips {
            try WAVFile.write(clip.audio, to: folder.appendingPathComponent(clip.name).path)
        }
        try result.yaml.write(to: file, atomically: true, encoding: .utf8)
        return result.yaml
    }

    struct Clip {
        var name: String
        var audio: PCMAudio
    }

    /// One caller utterance: its final words and when it was spoken.
    struct Utterance {
        var text: String
        var start: MediaTime
        var end: MediaTime
        var bargeInAfterMs: Int?
        /// What the agent was heard to answer (remote agents only), until the caller's next line.
        var answer = ""
    }

    static func convert(recording: URL, agentDirectory: URL?, clipStem: String?) throws -> (yaml: String, clips: [Clip]) {
        let eventsURL = recording.appendingPathComponent(CallRecorder.FileName.events)
        guard let text = try? String(contentsOf: eventsURL, encoding: .utf8) else {
            throw ConversionError(description: "\(eventsURL.path): cannot read the call's events (is this a recording folder?)")
        }
        var events: [CallEvent] = []
        let decoder = JSONDecoder()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do {
                events.append(try decoder.decode(CallEvent.self, from: Data(line.utf8)))
            } catch {
                throw ConversionError(description: "\(eventsURL.path):\(i + 1): not a call event (\(error))")
            }
        }
        let definition = try agentDirectory.map { try AgentLoader.load(directory: $0) }
        var utterances = callerUtterances(events)
        guard !utterances.isEmpty else {
            throw ConversionError(description: "\(eventsURL.path): the caller never said anything the recogniser finalised; nothing to replay")
        }
        let heard = heardAgent(events)
        let opening = heard.filter { $0.time < utterances[0].start }.map(\.text).joined(separator: " ")
        for k in utterances.indices {
            let until = k + 1 < utterances.count ? utterances[k + 1].start : MediaTime(nanoseconds: .max)
            utterances[k].answer = heard.filter { $0.time >= utterances[k].start && $0.time < until }.map(\.text).joined(separator: " ")
        }

        // The caller's audio, cut per utterance from the left channel of call.wav.
        var clips: [Clip] = []
        let wavPath = recording.appendingPathComponent(CallRecorder.FileName.audio).path
        var call: PCMAudio?
        if clipStem != nil {
            // The clips are the test's voice: without them the scenario would quietly speak synthesised lines.
            guard FileManager.default.fileExists(atPath: wavPath) else {
                throw ConversionError(description: "\(wavPath): missing; the caller's audio cannot be cut into the scenario's clips")
            }
            do {
                call = try WAVFile.read(path: wavPath, lenient: true)
            } catch {
                throw ConversionError(description: "\(wavPath): not a readable WAV file (\(error)); the caller's audio cannot be cut into the scenario's clips")
            }
        }
        if let call, let clipStem {
            let left = call.channels > 1 ? call.channel(0) : call.samples
            for (k, u) in utterances.enumerated() {
                // A little before the detector's start (it needs a few frames to decide) and after the end.
                let from = max(0, Int((u.start.seconds - 0.3) * Double(call.sampleRate)))
                let to = min(left.count, Int((u.end.seconds + 0.3) * Double(call.sampleRate)))
                guard to > from else { continue }
                clips.append(Clip(name: "\(clipStem)-turn\(k + 1).wav", audio: PCMAudio(sampleRate: call.sampleRate, channels: 1, samples: Array(left[from..<to]))))
            }
        }
        let clipNames = Set(clips.map(\.name))

        var y = "# Converted from the recording \(recording.lastPathComponent) by Ringside.\n"
        if let definition { y += "# Agent: \(definition.name).\n" }
        y += "id: \(safeID("replay-" + recording.lastPathComponent))\n"
        y += "tags: [replay]\n"
        y += "description: >-\n  Replays the recorded call \(quoteFree(recording.lastPathComponent)): the caller's own audio, turn by turn, "
        y += "checked against what the agent did then.\n"
        let approvals = events.compactMap { e -> Bool? in if case let .approvalDecided(_, approved, by) = e.payload, by != "timeout" { return approved } else { return nil } }
        let timedOut = events.contains { if case let .approvalDecided(_, _, by) = $0.payload { return by == "timeout" } else { return false } }
        if let first = approvals.first { y += "approval: \(first ? "approve" : "deny")\n" } else if timedOut { y += "approval: none\n" }
        y += "turns:\n"
        for (k, u) in utterances.enumerated() {
            if isRedacted(u.text) {
                y += "  # Redacted in the recording\(clipStem == nil ? ": write test data here, or the line is spoken as is" : "; the clip holds the words"). Review.\n"
            }
            y += "  - say: \(yamlString(u.text))\n"
            if let clipStem, clipNames.contains("\(clipStem)-turn\(k + 1).wav") { y += "    audio: \(clipStem)-turn\(k + 1).wav\n" }
            if let b = u.bargeInAfterMs { y += "    barge_in_after_ms: \(b)\n" }
            if heard.isEmpty { continue }
            if let words = keyWords(u.answer) {
                y += "    expect: {agent_says: [\(yamlString(words))]}  # heard: \(quoteFree(u.answer))\n"
            } else {
                y += "    # The agent was not heard answering this line.\n"
            }
        }
        if !heard.isEmpty {
            // A remote agent: only what it said can be checked.
            y += "# Review these: they expect words the agent was heard to say in the recorded call (its tools are not observable over SIP).\n"
            y += "assert:\n"
            if let words = keyWords(opening) { y += "  agent_says: [\(yamlString(words))]  # it opened: \(quoteFree(opening))\n" } else { y += "  {}\n" }
            y += limits(utterances: utterances.count, events: events)
            return (y, clips)
        }

        y += "# Review these: they assert what the agent did in the recorded call, which may not be what it should do.\n"
        y += "assert:\n"
        let calls = events.compactMap { e -> ToolCallTrace? in if case let .toolStarted(t) = e.payload, t.attempt == 1 { return t } else { return nil } }
        if calls.isEmpty {
            y += "  tools_called: []\n"
        } else {
            y += "  tools_called:\n"
            for call in calls {
                var args = arguments(call.arguments)
                if let declared = definition?.tools[call.tool]?.parameters { args = args.filter { declared[$0.key] != nil } }
                if args.isEmpty {
                    y += "    - \(call.tool)\n"
                } else {
                    let pairs = args.sorted { $0.key < $1.key }.map { "\($0.key): \(yamlString($0.value))" }.joined(separator: ", ")
                    y += "    - {tool: \(call.tool), args: {\(pairs)}}\n"
                }
            }
        }
        let escalated = events.contains { if case .escalated = $0.payload { return true } else { return false } }
        let asked = events.contains { if case .approvalRequested = $0.payload { return true } else { return false } }
        y += "  escalation: \(escalated)\n"
        y += "  approval_requested: \(asked)\n"
        y += limits(utterances: utterances.count, events: events)
        return (y, clips)
    }

    /// The `limits:` line: a few turns more than the recording's, half as long again.
    private static func limits(utterances: Int, events: [CallEvent]) -> String {
        let seconds = Int((events.last?.time.seconds ?? 60) * 1.5) + 30
        return "limits: {max_turns: \(max(utterances + 4, 6)), max_duration_s: \(min(3600, seconds))}\n"
    }

    /// What a remote agent was heard to say (nothing for an embedded agent, whose words are known), outside takeovers.
    static func heardAgent(_ events: [CallEvent]) -> [(time: MediaTime, text: String)] {
        var takenOver = false
        var out: [(time: MediaTime, text: String)] = []
        for e in events {
            switch e.payload {
            case .ttsRequested: return []
            case .takeover: takenOver = true
            case .handback: takenOver = false
            case let .farEndHeard(text) where !takenOver && !text.isEmpty: out.append((e.time, text))
            default: break
            }
        }
        return out
    }

    /// Up to three of the longest words (five letters or more) of what the agent was heard to say, as
    /// alternatives ("clinic|saturday|appointment"): one of them heard again is the same answer.
    static func keyWords(_ text: String) -> String? {
        var seen = Set<String>()
        let words = text.lowercased().split { !$0.isLetter && $0 != "'" }.map(String.init)
            .filter { $0.count >= 5 && $0.allSatisfy(\.isLetter) && seen.insert($0).inserted }
        let longest = words.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }.prefix(3).map(\.element)
        return longest.isEmpty ? nil : longest.joined(separator: "|")
    }

    /// The caller's finalised utterances with their speech start and end, and barge-ins.
    static func callerUtterances(_ events: [CallEvent]) -> [Utterance] {
        var out: [Utterance] = []
        var speechStart: MediaTime?
        var speechEnd: MediaTime?
        var playoutStart: MediaTime?
        var agentSpeaking = false
        var bargeAfter: Int?
        // During a takeover the caller spoke to the operator, not the agent: not a line for the agent.
        var takenOver = false
        for e in events {
            switch e.payload {
            case .takeover:
                takenOver = true
            case .handback:
                takenOver = false
            case .finalTranscript(.caller, _, _) where takenOver:
                speechStart = nil
                bargeAfter = nil
            case .playoutStarted:
                playoutStart = e.time
                agentSpeaking = true
            case .playoutFinished:
                agentSpeaking = false
            case .speechStarted(.caller):
                speechStart = e.time
                speechEnd = nil
                bargeAfter = nil
                if agentSpeaking, let p = playoutStart { bargeAfter = max(0, Int(((e.time - p).seconds * 1000).rounded())) }
            case let .speechStopped(.caller, trueEnd):
                speechEnd = trueEnd
            case .bargeIn:
                break
            case let .finalTranscript(.caller, text, _):
                let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !words.isEmpty else { continue }
                let start = speechStart ?? e.time
                out.append(Utterance(text: words, start: start, end: max(speechEnd ?? e.time, start), bargeInAfterMs: bargeAfter))
                speechStart = nil
                bargeAfter = nil
            default:
                break
            }
        }
        // A barge-in only counts when the session actually saw one.
        let bargeIns = events.filter { if case .bargeIn = $0.payload { return true } else { return false } }.map(\.time)
        for i in out.indices where out[i].bargeInAfterMs != nil {
            let next = i + 1 < out.count ? out[i + 1].start : MediaTime(nanoseconds: .max)
            if !bargeIns.contains(where: { $0 >= out[i].start && $0 < next }) { out[i].bargeInAfterMs = nil }
        }
        return out
    }

    /// Scalar arguments of a traced call (JSON text), as text; redacted values are left out.
    static func arguments(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in object {
            let text: String
            switch v {
            case let s as String: text = s
            case let n as NSNumber: text = n.stringValue
            default: continue
            }
            if isRedacted(text) { continue }
            out[k] = text
        }
        return out
    }

    static func isRedacted(_ text: String) -> Bool {
        ["[redacted]", "[dob]", "[card]", "[ssn]"].contains { text.contains($0) }
    }

    static func yamlString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func safeID(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    private static func quoteFree(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "") }
}
