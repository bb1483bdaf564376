import Foundation
import RingsideCore
import Session
import Testing
@testable import Evaluation

/// The simulated caller's choice of turn: scripted order, reactive patterns, optional turns, barge-in.
struct ScenarioCallerTests {
    /// A caller over a bus on a virtual clock, with two-frame "audio" per say turn.
    func make(_ turns: [ScenarioTurn], keypad: @escaping @Sendable (String) -> Void = { _ in }) -> (ScenarioCaller, CallEventBus, VirtualClock) {
        let clock = VirtualClock()
        let bus = CallEventBus(callID: "t", clock: clock)
        var audio: [Int: [AudioFrame]] = [:]
        for i in turns.indices { audio[i] = [AudioFrame(rate: .hz16000, samples: [Int16](repeating: 900, count: 320), timestamp: .zero),
                                             AudioFrame(rate: .hz16000, samples: [Int16](repeating: 900, count: 320), timestamp: .zero)] }
        let caller = ScenarioCaller(turns: turns, audio: audio, rate: .hz16000, bus: bus, limits: CallLimits(maxSilenceSeconds: 30), keypad: keypad)
        return (caller, bus, clock)
    }

    /// The agent says `text` for `ms` milliseconds, starting now.
    func agentSays(_ text: String, bus: CallEventBus, clock: VirtualClock, ms: Double = 500) {
        bus.emit(.tts, .ttsRequested(text: text))
        bus.emit(.playout, .playoutStarted)
        clock.advance(by: .milliseconds(ms))
        bus.emit(.playout, .playoutFinished(heardFraction: 1))
    }

    /// Pulls frames for `ms` of call time, advancing the clock.
    func run(_ caller: ScenarioCaller, clock: VirtualClock, ms: Int) throws {
        for _ in 0..<(ms / 20) {
            _ = try caller.nextFrame()
            clock.advance(by: AudioFrame.duration)
        }
    }

    @Test func reactiveTurnWaitsForItsPatternThenSpeaks() throws {
        let turns = [ScenarioTurn(action: .say("John Smith"), when: "name"), ScenarioTurn(action: .say("yes"), when: "shall I book")]
        let (caller, bus, clock) = make(turns)
        agentSays("How can I help you today?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 1000)
        #expect(caller.spoken.isEmpty, "nothing matched 'name' yet")
        agentSays("May I have your first and last name, please?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 1000)
        #expect(caller.spoken.map(\.index) == [0])
        agentSays("Shall I book it?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 1000)
        #expect(caller.spoken.map(\.index) == [0, 1])
        #expect(caller.missedTurns.isEmpty)
    }

    /// Asked the same question again ("Sorry, I didn't catch that. May I have your name?"), the caller
    /// answers it again, at most twice; with nothing left to say it does not answer again but hangs up.
    @Test func aQuestionAskedAgainIsAnsweredAgain() throws {
        let turns = [ScenarioTurn(action: .say("John Smith"), when: "name"), ScenarioTurn(action: .say("yes"), when: "shall I book")]
        let (caller, bus, clock) = make(turns)
        agentSays("May I have your first and last name, please?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 1000)
        for _ in 0..<3 {
            agentSays("Sorry, I didn't catch that. May I have your first and last name, please?", bus: bus, clock: clock)
            try run(caller, clock: clock, ms: 1000)
        }
        #expect(caller.spoken.map(\.index) == [0, 0, 0], "said once, then again twice, not a third time")
        agentSays("Thanks. Shall I book it?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 1000)
        agentSays("You're booked. Is there anything else? May I have your name for the records?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 3000)
        #expect(caller.spoken.map(\.index) == [0, 0, 0, 1], "every required turn taken: nothing said again")
        #expect(ScenarioCaller.lastQuestion("Thanks, John. Which day would you like? I have 9 am.") == "Which day would you like?")
        #expect(ScenarioCaller.lastQuestion("You're booked.") == nil)
    }

    @Test func optionalReactiveTurnAnswersOutOfOrderAndScriptContinues() throws {
        let turns = [ScenarioTurn(action: .say("book"), line: 1),
                     ScenarioTurn(action: .say("sorry, John Smith"), when: "didn't catch", optional: true),
                     ScenarioTurn(action: .say("Tuesday"))]
        let (caller, bus, clock) = make(turns)
        agentSays("Hello", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 600)
        agentSays("Sorry, I didn't catch that.", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 600)
        agentSays("Which day?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 600)
        #expect(caller.spoken.map(\.index) == [0, 1, 2])
    }

    @Test func unmatchedRequiredTurnIsReportedAndCallerGivesUp() throws {
        let (caller, bus, clock) = make([ScenarioTurn(action: .say("yes"), when: "shall I book")])
        agentSays("Goodbye", bus: bus, clock: clock)
        var ended = false
        for _ in 0..<2000 {
            if try caller.nextFrame() == nil { ended = true; break }
            clock.advance(by: AudioFrame.duration)
        }
        #expect(ended)
        #expect(caller.missedTurns == [0])
        #expect(caller.gaveUp != nil)
    }

    @Test func bargeInSpeaksOverTheAgentAfterItsDelay() throws {
        let (caller, bus, clock) = make([ScenarioTurn(action: .say("stop"), bargeInAfterMs: 300)])
        bus.emit(.tts, .ttsRequested(text: "A long disclosure"))
        bus.emit(.playout, .playoutStarted)
        try run(caller, clock: clock, ms: 200)
        #expect(caller.spoken.isEmpty)
        try run(caller, clock: clock, ms: 200)
        let first = try #require(caller.spoken.first)
        #expect(first.start >= .milliseconds(300) && first.start <= .milliseconds(320))
    }

    @Test func dtmfGoesOutOfBandAsDigitEvents() throws {
        let typed = LockedValue<[String]>([])
        let (caller, bus, clock) = make([ScenarioTurn(action: .dtmf("104"))]) { d in typed.withLock { $0.append(d) } }
        agentSays("What's your order number?", bus: bus, clock: clock)
        try run(caller, clock: clock, ms: 600)
        #expect(typed.withLock { $0 } == ["104"])
        let digits = bus.events.compactMap { e -> String? in if case let .dtmf(d) = e.payload { return d } else { return nil } }
        #expect(digits == ["1", "0", "4"])
    }
}
