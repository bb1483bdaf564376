import Audio
import Foundation
import Logging
import RingsideCore
import Synchronization

/// Writes a call to a folder as it happens: `call.wav` (stereo: caller left, agent right, aligned),
/// `events.jsonl` (one redacted event a line), `transcript.txt`, and `meta.json`.
///
/// Everything is written incrementally and flushed at least once a second, so a killed process leaves
/// a playable WAV (`ringside repair-wav` fixes its header) and an event log readable to its last line.
public final class CallRecorder: @unchecked Sendable {
    /// Files inside a recording folder.
    public enum FileName {
        public static let audio = "call.wav"
        public static let events = "events.jsonl"
        public static let transcript = "transcript.txt"
        public static let meta = "meta.json"
        public static let audit = "audit.jsonl"
    }

    public let directory: URL
    public let rate: SampleRate
    /// Applied to every event's free text before it is written (events from the call's bus are
    /// already redacted by the same rule; this covers events written directly).
    private let redact: @Sendable (String) -> String
    private let lock = NSLock()
    private let wav: WAVWriter
    private let events: FileHandle
    private let transcript: FileHandle
    private let encoder: JSONEncoder
    private var framesSinceFlush = 0
    private var closed = false
    private let logger = Logger(label: "ringside.recorder")

    /// Where recordings go by default: `$XDG_DATA_HOME/ringside/calls` (or `~/.local/share/ringside/calls`).
    public static func defaultRoot() -> URL {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return base.appendingPathComponent("ringside/calls")
    }

    /// A folder name that sorts by time: `2026-11-22T04-30-00-clinic-<id>`.
    public static func folderName(agent: String, callID: String, date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        let safeAgent = agent.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return "\(f.string(from: date))-\(String(safeAgent))-\(callID.prefix(8))"
    }

    public init(directory: URL, rate: SampleRate, meta: [String: String] = [:], redact: @escaping @Sendable (String) -> String = { $0 }) throws {
        self.directory = directory
        self.rate = rate
        self.redact = redact
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        wav = try WAVWriter(path: directory.appendingPathComponent(FileName.audio).path, sampleRate: rate.hertz, channels: 2)
        func create(_ name: String) throws -> FileHandle {
            let url = directory.appendingPathComponent(name)
            guard fm.createFile(atPath: url.path, contents: nil), let h = try? FileHandle(forWritingTo: url) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            return h
        }
        events = try create(FileName.events)
        transcript = try create(FileName.transcript)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var m = meta
        m["ringside"] = RingsideVersion.string
        m["sampleRate"] = String(rate.hertz)
        m["audio"] = "\(FileName.audio): left = caller, right = agent"
        let metaData = try encoder.encode(m)
        try metaData.write(to: directory.appendingPathComponent(FileName.meta))
    }

    /// Path for the agent's audit log inside this recording.
    public var auditLogPath: String { directory.appendingPathComponent(FileName.audit).path }

    /// Records one tick of audio: what the caller said and what the agent played in the same 20 ms.
    public func record(caller: AudioFrame?, agent: AudioFrame?) {
        let n = rate.samplesPerFrame
        var interleaved = [Int16](repeating: 0, count: n * 2)
        if let caller, caller.rate == rate { for i in 0..<n { interleaved[2 * i] = caller.samples[i] } }
        if let agent, agent.rate == rate { for i in 0..<n { interleaved[2 * i + 1] = agent.samples[i] } }
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        wav.append(interleaved)
        framesSinceFlush += 1
        if framesSinceFlush >= 50 {
            framesSinceFlush = 0
            do { try wav.flush() } catch { logger.error("recording audio failed: \(error)") }
        }
    }

    /// Bus observer: appends the event to `events.jsonl` and, for speech, to `transcript.txt`.
    ///
    /// Live partial transcripts are not written: a half-heard date of birth or card number ("the ninth
    /// of septem…") cannot be recognised for redaction until the final arrives, and the final (redacted)
    /// is what the record keeps.
    public func observe(_ unredacted: CallEvent) {
        if case .partialTranscript = unredacted.payload { return }
        let event = unredacted.mappingText(redact)
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        do {
            var line = try encoder.encode(event)
            line.append(0x0A)
            try events.write(contentsOf: line)
            if let text = Self.transcriptLine(event) { try transcript.write(contentsOf: Data((text + "\n").utf8)) }
        } catch {
            logger.error("recording events failed: \(error)")
        }
    }

    static func transcriptLine(_ event: CallEvent) -> String? {
        let t = event.time.seconds
        let stamp = String(format: "[%02d:%05.2f]", Int(t) / 60, t.truncatingRemainder(dividingBy: 60))
        switch event.payload {
        case let .finalTranscript(speaker, text, _) where speaker != .agent:
            return "\(stamp) \(speaker.rawValue): \(text)"
        case let .ttsRequested(text):
            return "\(stamp) agent: \(text)"
        case let .farEndHeard(text):
            return "\(stamp) far end (heard): \(text)"
        case let .bargeIn(heard, fraction):
            return "\(stamp) agent (cut off by caller at \(Int(fraction * 100))%, heard): \(heard)"
        case let .fragmentJoined(fragment, started):
            return "\(stamp) (the caller went on after \"\(fragment)\"; \(started ? "the reply to it was cut short" : "no reply to it was played"))"
        case let .speculation(o):
            if o.held { return "\(stamp) (the reply was worked out at the caller's pause and played at once)" }
            return "\(stamp) (the reply worked out at the caller's pause was not used: \(o.miss ?? "no reason given"))"
        case let .toolFinished(trace):
            return "\(stamp) tool \(trace.tool) \(trace.arguments) -> \(trace.result ?? "")"
        case let .toolFailed(trace, error):
            return "\(stamp) tool \(trace.tool) \(trace.arguments) failed: \(error)"
        case let .escalated(summary, target):
            return "\(stamp) escalated to \(target ?? "a human"): \(summary)"
        case let .takeover(by):
            return "\(stamp) taken over by \(by)"
        case .handback:
            return "\(stamp) handed back to the agent"
        case let .contextPassedOn(context):
            return "\(stamp) context passed on: \(context.replacingOccurrences(of: "\n", with: " / "))"
        case let .callEnded(reason):
            return "\(stamp) call ended: \(reason)"
        default:
            return nil
        }
    }

    /// Flushes everything and closes the files. Later calls do nothing.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        do {
            try wav.close()
            try events.synchronize()
            try events.close()
            try transcript.close()
        } catch {
            logger.error("closing the recording failed: \(error)")
        }
    }
}
