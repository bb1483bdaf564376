import Foundation
import TestSupport

/// A soaked process's resident memory and open descriptors, read after each call, and whether they
/// grew with the calls: shared by the soaks of `serve` and `supervise`.
///
/// Medians of five readings in the middle and at the end of the run are compared. Resources loaded
/// once, when a call first needs them (a model for one kind of expected answer, Whisper's decoding
/// state), step the figure up once somewhere early; a leak grows it with every call, and the second
/// half of the run alone shows that.
struct SoakFigures {
    let warmUp: Int
    let calls: Int
    private(set) var samples: [(call: Int, rss: Double, fds: Int)] = []

    init(warmUp: Int, calls: Int) {
        self.warmUp = warmUp
        self.calls = calls
    }

    /// Reads `pid`'s figures after call `call` (nothing once it is gone).
    mutating func sample(_ pid: pid_t, afterCall call: Int) {
        if let kb = ProcessFigures.residentKB(pid) { samples.append((call, kb / 1024, ProcessFigures.openFiles(pid))) }
    }

    /// Growth over the run's second half (MB, and KB a call) and the descriptors after the warm-up and
    /// at the end; nil when a reading is missing.
    func growth() -> (mb: Double, perCallKB: Double, early: Double, late: Double, fdsAfterWarmUp: Int, fdsAtEnd: Int)? {
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        let middle = (warmUp + calls) / 2
        let early = samples.filter { abs($0.call - middle) <= 2 }.map(\.rss)
        let late = samples.suffix(5).map(\.rss)
        guard early.count == 5, late.count == 5, let afterWarmUp = samples.first(where: { $0.call == warmUp }), let last = samples.last else { return nil }
        let mb = median(late) - median(early)
        return (mb, mb * 1024 / Double(warmUp + calls - middle), median(early), median(late), afterWarmUp.fds, last.fds)
    }

    /// "24 calls; RSS median 314.8 → 315.6 MB (54 KB per call); fds 34 → 34".
    var summary: String {
        guard let g = growth() else { return "\(samples.count) readings: \(listing)" }
        return "\(warmUp + calls) calls; RSS median \(String(format: "%.1f", g.early)) → \(String(format: "%.1f", g.late)) MB "
            + "(\(String(format: "%.0f", g.perCallKB)) KB per call); fds \(g.fdsAfterWarmUp) → \(g.fdsAtEnd)"
    }

    /// Every reading, for a failure's message.
    var listing: String { samples.map { "\($0.call): \(Int($0.rss)) MB \($0.fds) fds" }.joined(separator: ", ") }

    /// Whether a UDP socket on this host (this network namespace) is bound to `port`, from /proc/net/udp.
    static func udpPortBound(_ port: UInt16) -> Bool {
        let table = (try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8)) ?? ""
        let local = ":" + String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().contains { line in
            line.split(separator: " ").dropFirst().first.map { $0.hasSuffix(local) } ?? false
        }
    }

    /// Recordings under `folder` whose events end with the call-ended record.
    static func finishedRecordings(in folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            let events = (try? String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("events.jsonl"), encoding: .utf8)) ?? ""
            return events.contains("\"callEnded\"")
        }.count
    }
}
