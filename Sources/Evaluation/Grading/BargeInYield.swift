import RingsideCore

/// How quickly the agent yields when the caller speaks over it: from the start of the caller's
/// barge-in line to the caller's speech being detected (the moment playout pauses).
enum BargeInYield {
    static func measure(spoken: [ScenarioCaller.SpokenTurn], turns: [ScenarioTurn], events: [CallEvent]) -> (count: Int, yields: [Double]) {
        let bargeIns = events.filter { if case .bargeIn = $0.payload { return true } else { return false } }
        var yields: [Double] = []
        for s in spoken where turns[s.index].bargeInAfterMs != nil {
            let detected = events.first { e in
                if case .speechStarted(.caller) = e.payload { return e.time >= s.start } else { return false }
            }
            if let detected { yields.append((detected.time - s.start).milliseconds) }
        }
        return (bargeIns.count, yields)
    }
}
