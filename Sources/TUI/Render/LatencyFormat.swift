/// How the screen writes durations: `820ms` under a second, `1.31s` from there.
public enum LatencyFormat {
    public static func milliseconds(_ ms: Double) -> String {
        if ms < 1000 { return "\(Int(ms.rounded()))ms" }
        let hundredths = Int((ms / 10).rounded())
        let whole = hundredths / 100
        let frac = hundredths % 100
        return "\(whole).\(frac < 10 ? "0" : "")\(frac)s"
    }

    /// A call timer: `MM:SS`, or `H:MM:SS` past an hour.
    public static func clock(seconds: Double) -> String {
        let total = max(0, Int(seconds))
        let h = total / 3600, m = (total / 60) % 60, s = total % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(two(m)):\(two(s))"
    }
}
