import Foundation

/// What a running process holds, read from /proc: for soaks and benchmarks that watch a long-running
/// `ringside` for growth.
public enum ProcessFigures {
    /// Resident memory (VmRSS), KB; nil once the process is gone.
    public static func residentKB(_ pid: pid_t) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kb
    }

    /// Open file descriptors; -1 once the process is gone.
    public static func openFiles(_ pid: pid_t) -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? -1 }
}
