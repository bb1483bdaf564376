import Foundation

/// Test signals: tones, noise, and measures of how alike two signals are.
public enum Signals {
    public static func sine(frequency: Double, sampleRate: Int, seconds: Double, amplitude: Double = 0.5) -> [Int16] {
        let n = Int(Double(sampleRate) * seconds)
        return (0..<n).map { i in Int16(amplitude * 32767 * sin(2 * Double.pi * frequency * Double(i) / Double(sampleRate))) }
    }

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

    /// Keeps every `factor`-th sample after a crude box filter: good enough to find a coarse lag.
    public static func decimate(_ x: [Int16], by factor: Int) -> [Int16] {
        stride(from: 0, to: x.count - factor + 1, by: factor).map { i in
            var sum = 0
            for j in 0..<factor { sum += Int(x[i + j]) }
            return Int16(clamping: sum / factor)
        }
    }
}
