import Foundation
import Testing
@testable import RingsideCore

@Suite struct CoreTypesTests {
    @Test(arguments: SampleRate.allCases)
    func framesAreTwentyMilliseconds(rate: SampleRate) {
        let f = AudioFrame.silence(rate: rate, at: .zero)
        #expect(f.samples.count * 50 == rate.hertz)
        let padded = AudioFrame(rate: rate, samples: [1, 2, 3], timestamp: .zero)
        #expect(padded.samples.count == rate.samplesPerFrame)
        #expect(Array(padded.samples.prefix(4)) == [1, 2, 3, 0])
    }

    @Test func framingStampsConsecutiveTimes() {
        let samples = [Int16](repeating: 7, count: 16000 / 50 * 3 + 10)
        let frames = AudioFrame.frames(from: samples, rate: .hz16000, start: .seconds(2))
        #expect(frames.count == 4)
        #expect(frames.map(\.timestamp) == [.seconds(2), .seconds(2.02), .seconds(2.04), .seconds(2.06)])
        #expect(frames[3].samples.filter { $0 == 7 }.count == 10)
    }

    @Test func eventsRoundTripThroughJSON() throws {
        let events = [
            CallEvent(callID: "c1", turn: 1, time: .milliseconds(1234.5), stage: .stt,
                      payload: .finalTranscript(speaker: .caller, text: "book me in", confidence: 0.9)),
            CallEvent(callID: "c1", turn: 1, time: .milliseconds(1300), stage: .tool,
                      payload: .toolFinished(ToolCallTrace(invocation: "t1", tool: "find_slots", arguments: "{}", attempt: 2, result: "[]", durationMs: 12))),
            CallEvent(callID: "c1", turn: 2, time: .seconds(3), stage: .endpoint,
                      payload: .endOfTurn(trueEnd: .milliseconds(2700), rule: .silence(.complete))),
        ]
        let data = try JSONEncoder().encode(events)
        let back = try JSONDecoder().decode([CallEvent].self, from: data)
        #expect(back == events)
        #expect(String(decoding: data, as: UTF8.self).contains("\"time\":1234500000"))
    }

    @Test func locatedErrorsNameFileLineAndField() {
        let e = LocatedError(SourceLocation(file: "agent.yaml", line: 12, column: 5), field: "intents[0].slots",
                             problem: "unknown slot type 'colour'", suggestion: "use one of: date, time, digits")
        #expect(e.description == "agent.yaml:12:5: intents[0].slots: unknown slot type 'colour' (use one of: date, time, digits)")
        #expect(SourceLocation(file: "x.wav").description == "x.wav")
    }
}

@Suite struct PercentilesTests {
    @Test func nearestRank() {
        let p = Percentiles((1...20).map(Double.init))
        #expect(p.p50 == 10)
        #expect(p.p95 == 19)
        #expect(p.max == 20)
        #expect(p.mean == 10.5)
        #expect(Percentiles([]).count == 0)
        #expect(Percentiles([7]).p95 == 7)
    }

    /// The definition, for every size and quantile: the smallest value with at least `q` of the values
    /// at or below it. A rounded or interpolated index (the bench's old maths) fails this, e.g. p50 of
    /// 1…4 is 2 by nearest rank, 3 by rounding 1.5.
    @Test func rankIsTheSmallestValueCoveringTheQuantile() {
        #expect(Percentiles([1, 2, 3, 4]).p50 == 2)
        for n in 1...60 {
            let sorted = (1...n).map { Double($0) * 1.5 }
            for q in [0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0] {
                let expected = sorted.first { v in Double(sorted.filter { $0 <= v }.count) >= q * Double(n) }
                #expect(Percentiles.rank(sorted, q) == expected, "n \(n), q \(q)")
            }
        }
        #expect(LatencySummary.percentile([1, 2, 3, 4], 0.5) == Percentiles.rank([1, 2, 3, 4], 0.5))
    }
}
