/// Finds where one signal occurs inside another: how loop delays and echo paths are measured.
public enum SignalAlignment {
    /// Normalised cross-correlation of `probe` against `signal` at every lag in `lags`; returns the best.
    public static func bestLag(of probe: [Int16], in signal: [Int16], lags: ClosedRange<Int>) -> (lag: Int, correlation: Double) {
        var best = (lag: 0, correlation: -2.0)
        probe.withUnsafeBufferPointer { p in
            signal.withUnsafeBufferPointer { s in
                var pe = 0.0
                for v in p { pe += Double(v) * Double(v) }
                for lag in lags where lag >= 0 && lag + p.count <= s.count {
                    var dot = 0.0, se = 0.0
                    for i in 0..<p.count {
                        let sv = Double(s[lag + i])
                        dot += Double(p[i]) * sv
                        se += sv * sv
                    }
                    let c = (pe > 0 && se > 0) ? dot / (pe.squareRoot() * se.squareRoot()) : 0
                    if c > best.correlation { best = (lag, c) }
                }
            }
        }
        return best
    }

    /// Averages blocks of `factor` samples: enough to find a coarse lag cheaply.
    public static func decimate(_ x: [Int16], by factor: Int) -> [Int16] {
        stride(from: 0, to: x.count - factor + 1, by: factor).map { i in
            var sum = 0
            for j in 0..<factor { sum += Int(x[i + j]) }
            return Int16(clamping: sum / factor)
        }
    }

    /// Coarse search on decimated audio, then an exact search around the coarse answer.
    public static func locate(_ probe: [Int16], in signal: [Int16], decimation: Int = 8) -> (lag: Int, correlation: Double) {
        guard signal.count >= probe.count, !probe.isEmpty else { return (0, 0) }
        let coarse = bestLag(of: decimate(probe, by: decimation), in: decimate(signal, by: decimation),
                             lags: 0...max(0, (signal.count - probe.count) / decimation))
        let centre = coarse.lag * decimation
        return bestLag(of: probe, in: signal, lags: max(0, centre - 2 * decimation)...(centre + 2 * decimation))
    }
}
