import Audio
import Foundation
import RingsideCore

/// A recorded call read back from its folder (see `CallRecorder`): the events in order, the stereo
/// audio (caller left, agent right), the metadata, and the turns the events divide into.
///
/// Reading never gives up on a damaged recording: a line of `events.jsonl` that does not parse (the
/// last one, when the process was killed mid-write) is skipped and named in `problems` with its line
/// number, and a WAV whose header was never finished is read by its data as it stands.
///
/// ```swift
/// let recording = try Recording.load(URL(fileURLWithPath: "calls/2026-11-29T09-00-00-clinic-1a2b3c4d"))
/// for turn in recording.turns { print(turn.number, turn.callerText, turn.agentText) }
/// ```
public struct Recording: Sendable {
    public let directory: URL
    public let events: [CallEvent]
    public let meta: [String: String]
    /// The call's audio, interleaved stereo; nil when `call.wav` is missing or unreadable (see `problems`).
    public let audio: PCMAudio?
    public let turns: [RecordedTurn]
    /// What was wrong with the folder, each naming the file (and line) and the problem.
    public let problems: [String]

    /// Reads a recording folder. Throws only when the folder holds no events file at all.
    public static func load(_ directory: URL) throws -> Recording {
        let fm = FileManager.default
        let eventsURL = directory.appendingPathComponent(CallRecorder.FileName.events)
        guard fm.fileExists(atPath: eventsURL.path) else {
            throw RecordingError.notARecording(directory.path)
        }
        var problems: [String] = []
        let data = try Data(contentsOf: eventsURL)
        let decoder = JSONDecoder()
        var events: [CallEvent] = []
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            do {
                events.append(try decoder.decode(CallEvent.self, from: Data(line)))
            } catch {
                problems.append("\(eventsURL.path):\(lineNumber): not a complete event (\(line.count) bytes); skipped")
            }
        }
        var meta: [String: String] = [:]
        let metaURL = directory.appendingPathComponent(CallRecorder.FileName.meta)
        if let metaData = try? Data(contentsOf: metaURL) {
            if let decoded = try? JSONDecoder().decode([String: String].self, from: metaData) {
                meta = decoded
            } else {
                problems.append("\(metaURL.path): not a JSON object of strings; ignored")
            }
        }
        var audio: PCMAudio?
        let audioPath = directory.appendingPathComponent(CallRecorder.FileName.audio).path
        if fm.fileExists(atPath: audioPath) {
            do {
                audio = try WAVFile.read(path: audioPath, lenient: true)
            } catch {
                problems.append("\(error)")
            }
        } else {
            problems.append("\(audioPath): missing; replay has no sound")
        }
        let length: MediaTime? = audio.map { .seconds($0.duration) }
        return Recording(directory: directory, events: events, meta: meta, audio: audio,
                         turns: RecordedTurn.split(events, until: length), problems: problems)
    }

    /// The newest recording under `root` (folder names sort by time), or nil when there is none.
    public static func newest(in root: URL = CallRecorder.defaultRoot()) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().reversed()
            .map { root.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(CallRecorder.FileName.events).path) }
    }

    /// The audio between two call times, both channels mixed to mono at the recording's rate.
    public func mixedAudio(from start: MediaTime, to end: MediaTime) -> [Int16] {
        guard let audio, audio.channels > 0 else { return [] }
        let rate = Double(audio.sampleRate)
        let first = max(0, min(audio.frameCount, Int((start.seconds * rate).rounded())))
        let last = max(first, min(audio.frameCount, Int((end.seconds * rate).rounded())))
        var out = [Int16](repeating: 0, count: last - first)
        for i in first..<last {
            var sum = 0
            for c in 0..<audio.channels { sum += Int(audio.samples[i * audio.channels + c]) }
            out[i - first] = Int16(clamping: sum)
        }
        return out
    }

    /// How long the recording lasts: the audio's length, or the last event's time without audio.
    public var duration: MediaTime {
        if let audio { return .seconds(audio.duration) }
        return events.last?.time ?? .zero
    }
}

/// Why a folder cannot be replayed.
public enum RecordingError: Error, CustomStringConvertible, Equatable {
    case notARecording(String)

    public var description: String {
        switch self {
        case .notARecording(let path):
            return "\(path): not a Ringside recording (no \(CallRecorder.FileName.events))"
        }
    }
}

/// One turn of a recorded call: the events stamped with its number, from the first to the one
/// before the next turn begins, and the stretch of audio it covers.
public struct RecordedTurn: Sendable, Equatable {
    public let number: Int
    /// Index of the last event that belongs to this turn (events up to it show the turn complete).
    public let lastEventIndex: Int
    public let start: MediaTime
    public let end: MediaTime
    public let callerText: String
    public let agentText: String
    public let tools: [String]

    /// Divides events into turns by their turn numbers, in the order turns begin. Audio for a turn
    /// runs from the caller starting to speak (or the turn's first event) to the next turn's start.
    /// `until` is where the last turn's audio ends (the recording's length; default: its last event).
    public static func split(_ events: [CallEvent], until: MediaTime? = nil) -> [RecordedTurn] {
        var order: [Int] = []
        var firstIndex: [Int: Int] = [:]
        for (i, e) in events.enumerated() where firstIndex[e.turn] == nil {
            firstIndex[e.turn] = i
            order.append(e.turn)
        }
        var turns: [RecordedTurn] = []
        for (k, number) in order.enumerated() {
            let from = firstIndex[number]!
            let to = k + 1 < order.count ? firstIndex[order[k + 1]]! - 1 : events.count - 1
            let slice = events[from...to]
            var caller: [String] = [], agent: [String] = [], tools: [String] = []
            var speechStart: MediaTime?
            for e in events where e.turn == number {
                switch e.payload {
                case let .finalTranscript(speaker, text, _) where speaker != .agent && !text.isEmpty: caller.append(text)
                case let .ttsRequested(text), let .farEndHeard(text): agent.append(text)
                case let .toolStarted(trace): tools.append(trace.tool)
                case .speechStarted(.caller): speechStart = speechStart ?? e.time
                default: break
                }
            }
            let start = min(speechStart ?? slice.first!.time, slice.first!.time)
            let next = k + 1 < order.count ? events[firstIndex[order[k + 1]]!].time : max(until ?? .zero, events.last?.time ?? start)
            turns.append(RecordedTurn(number: number, lastEventIndex: to, start: start, end: max(start, next),
                                      callerText: caller.joined(separator: " "), agentText: agent.joined(separator: " "), tools: tools))
        }
        // A turn's audio ends where the next one's begins (its caller may start before its first event).
        for i in turns.indices.dropLast() where turns[i + 1].start < turns[i].end {
            let t = turns[i]
            turns[i] = RecordedTurn(number: t.number, lastEventIndex: t.lastEventIndex, start: t.start, end: max(t.start, turns[i + 1].start),
                                    callerText: t.callerText, agentText: t.agentText, tools: t.tools)
        }
        return turns
    }
}
