import Foundation
import RingsideCore

/// One figure of a benchmark: what was measured, its value and unit, and the target if there is one.
struct BenchFigure: Codable {
    var metric: String
    var value: Double
    var unit: String
    var target: String?
    var met: Bool?
}

/// A benchmark's figures, printed as a table and written as `.bench/NAME.json`.
struct BenchReport: Codable {
    var name: String
    var figures: [BenchFigure] = []
    var notes: [String] = []

    mutating func add(_ metric: String, _ value: Double, _ unit: String, target: String? = nil, met: Bool? = nil) {
        figures.append(BenchFigure(metric: metric, value: value, unit: unit, target: target, met: met))
    }

    /// Adds p50, p95 and max of a set of measurements.
    mutating func addDistribution(_ metric: String, _ values: [Double], unit: String, p95Target: Double? = nil) {
        let p = Percentiles(values)
        add("\(metric) p50", p.p50, unit)
        if let t = p95Target {
            add("\(metric) p95", p.p95, unit, target: "≤ \(format(t)) \(unit)", met: p.p95 <= t)
        } else {
            add("\(metric) p95", p.p95, unit)
        }
        add("\(metric) max", p.max, unit)
    }

    func printTable() {
        print("\n\(name)")
        let width = max(30, (figures.map(\.metric.count).max() ?? 0) + 2)
        for f in figures {
            var line = f.metric.padding(toLength: width, withPad: " ", startingAt: 0) + format(f.value).leftPad(10) + " " + f.unit
            if let t = f.target { line += "   target \(t): " + ((f.met ?? false) ? "met" : "NOT met") }
            print("  " + line)
        }
        for n in notes { print("  note: \(n)") }
    }

    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory).appendingPathComponent("\(name).json"))
    }
}

func format(_ v: Double) -> String {
    abs(v) >= 100 ? String(format: "%.0f", v) : abs(v) >= 1 ? String(format: "%.2f", v) : String(format: "%.4f", v)
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
