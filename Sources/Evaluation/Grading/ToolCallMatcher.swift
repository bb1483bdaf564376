import Foundation
import RingsideCore

/// Matches the tool calls a call made against the ones its scenario expects (in order, with argument
/// subsets) and forbids, and scores precision, recall and argument accuracy.
enum ToolCallMatcher {
    struct Outcome {
        var reasons: [String] = []
        var precision: Double?
        var recall: Double?
        var argumentAccuracy: Double?
        var forbiddenCalled = 0
    }

    static func match(expected: [ExpectedToolCall], forbidden: [ExpectedToolCall], calls: [ToolCallTrace]) -> Outcome {
        var out = Outcome()
        let parsed = calls.map { ($0.tool, arguments(of: $0)) }
        var cursor = 0
        var found = 0
        var argsExpected = 0
        var argsRight = 0
        for e in expected {
            // The next call of this tool after the previous match, preferring one whose arguments all match.
            let rest = parsed.indices.filter { $0 >= cursor && parsed[$0].0 == e.tool }
            let exact = rest.first { i in e.arguments.allSatisfy { RowComparison.valueEqual(parsed[i].1[$0.key] ?? "<missing>", $0.value) } }
            guard let i = exact ?? rest.first else {
                let earlier = parsed.indices.contains { $0 < cursor && parsed[$0].0 == e.tool }
                out.reasons.append(earlier ? "tool \(e.tool) was called, but not in the expected order" : "tool \(e.tool) was never called")
                continue
            }
            found += 1
            cursor = i + 1
            for (name, value) in e.arguments.sorted(by: { $0.key < $1.key }) {
                argsExpected += 1
                let actual = parsed[i].1[name]
                if let actual, RowComparison.valueEqual(actual, value) {
                    argsRight += 1
                } else {
                    out.reasons.append("tool \(e.tool) was called with \(name) = \(actual ?? "nothing"), expected \(value)")
                }
            }
        }
        for f in forbidden {
            let hits = parsed.filter { call in call.0 == f.tool && f.arguments.allSatisfy { RowComparison.valueEqual(call.1[$0.key] ?? "<missing>", $0.value) } }
            if !hits.isEmpty {
                out.forbiddenCalled += hits.count
                let args = f.arguments.isEmpty ? "" : " with " + f.arguments.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
                out.reasons.append("tool \(f.tool) was called\(args), which the scenario forbids")
            }
        }
        if !expected.isEmpty {
            out.recall = Double(found) / Double(expected.count)
            let expectedNames = Set(expected.map(\.tool))
            let relevant = parsed.filter { call in expectedNames.contains(call.0) || forbidden.contains { f in f.tool == call.0 } }
            out.precision = relevant.isEmpty ? nil : min(1, Double(found) / Double(relevant.count))
        } else if !forbidden.isEmpty {
            out.precision = out.forbiddenCalled == 0 ? 1 : 0
        }
        if argsExpected > 0 { out.argumentAccuracy = Double(argsRight) / Double(argsExpected) }
        return out
    }

    /// A call's arguments as text values (numbers as written in the JSON).
    static func arguments(of trace: ToolCallTrace) -> [String: String] {
        guard let data = trace.arguments.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in object {
            switch v {
            case let s as String: out[k] = s
            case let n as NSNumber: out[k] = n.stringValue
            case is NSNull: out[k] = "null"
            default: out[k] = "\(v)"
            }
        }
        return out
    }
}
