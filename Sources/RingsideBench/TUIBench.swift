import ArgumentParser
import Foundation

/// `ringside-bench tui`: the call screen's cost. Runs `ringside ui-demo` (a synthetic call in real
/// time) in a tmux pane of a given size, reads the process's CPU time from /proc, and the frames it
/// drew from its `RINGSIDE_TUI_STATS` file. Target: ≤ 5 % of a core.
struct TUIBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tui", abstract: "CPU and redraw rate of the call screen (ui-demo in tmux).")

    @Option(help: "Seconds to watch.") var seconds = 12.0
    @Option(help: "The ringside binary.") var ringside = ".build/release/ringside"
    @OptionGroup var options: BenchOptions

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw ValidationError("tmux is not installed") }
        guard FileManager.default.isExecutableFile(atPath: ringside) else { throw ValidationError("\(ringside) is not built") }
        var report = BenchReport(name: "tui")
        for (width, height) in [(80, 24), (160, 50)] {
            let stats = NSTemporaryDirectory() + "ringside-tui-\(getpid())-\(width).json"
            let socket = "ringside-bench-\(getpid())"
            func tmux(_ args: [String]) -> String { shell(["/usr/bin/tmux", "-L", socket] + args) }
            let themes = URL(fileURLWithPath: "themes").path
            _ = tmux(["new-session", "-d", "-s", "b", "-x", "\(width)", "-y", "\(height)",
                      "exec env LANG=C.UTF-8 TERM=xterm-256color RINGSIDE_THEMES=\(themes) RINGSIDE_TUI_STATS=\(stats) \(ringside) ui-demo --speed 1"])
            let pid = Int32(tmux(["list-panes", "-t", "b", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            let before = cpuSeconds(pid)
            let start = Date()
            try await Task.sleep(for: .seconds(seconds))
            let cpu = cpuSeconds(pid) - before
            let wall = Date().timeIntervalSince(start)
            _ = tmux(["send-keys", "-t", "b", "q"])
            _ = tmux(["send-keys", "-t", "b", "y"])
            for _ in 0..<50 where !FileManager.default.fileExists(atPath: stats) { try await Task.sleep(for: .milliseconds(100)) }
            _ = tmux(["kill-server"])
            var frames = 0.0, drawSeconds = 0.0
            if let data = FileManager.default.contents(atPath: stats),
               let json = try JSONSerialization.jsonObject(with: data) as? [String: Double] {
                frames = json["frames"] ?? 0
                drawSeconds = json["seconds"] ?? 0
            }
            let percent = cpu / wall * 100
            report.add("CPU \(width)×\(height)", percent, "% of a core", target: "≤ 5 %", met: percent <= 5)
            report.add("redraws \(width)×\(height)", drawSeconds > 0 ? frames / drawSeconds : 0, "frames/s")
        }
        report.notes.append("ui-demo at real speed: events, 4 Hz timer and 10 Hz meters drive redraws; the loop polls keys every 30 ms (up to 33 fps)")
        report.printTable()
        try report.write(to: options.output)
    }

    /// User + system CPU seconds of a process, from /proc/PID/stat.
    private func cpuSeconds(_ pid: Int32) -> Double {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3; utime and stime are fields 14 and 15.
        guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func shell(_ words: [String]) -> String {
        let out = NSTemporaryDirectory() + "ringside-bench-shell-\(getpid()).out"
        let line = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ") + " </dev/null >'\(out)' 2>/dev/null"
        _ = system(line)
        defer { try? FileManager.default.removeItem(atPath: out) }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }
}
