import Foundation
import RingsideCore
import Synchronization
import Testing
@testable import Session

@Suite struct CallEventBusTests {
    @Test func stampsOrdersAndRedactsEveryEvent() async throws {
        let clock = VirtualClock()
        let bus = CallEventBus(callID: "c1", clock: clock) { $0.replacingOccurrences(of: "4111", with: "####") }
        let seen = Mutex<[CallEvent]>([])
        bus.observe { e in seen.withLock { $0.append(e) } }
        let seenInline = Mutex<[CallEvent]>([])
        bus.observeInline { e in seenInline.withLock { $0.append(e) } }
        let stream = bus.stream()

        bus.emit(.session, .callStarted(agent: "clinic", transport: "embedded"))
        bus.nextTurn()
        clock.advance(to: .milliseconds(120))
        bus.emit(.stt, .finalTranscript(speaker: .caller, text: "my card is 4111", confidence: 0.9))
        bus.emit(.vad, .speechStopped(speaker: .caller, trueEnd: .milliseconds(80)), at: .milliseconds(100))
        bus.emit(.tool, .toolStarted(ToolCallTrace(invocation: "1", tool: "pay", arguments: "{\"card\":\"4111\"}")))
        bus.finish()
        await bus.drain()

        let events = seen.withLock { $0 }
        #expect(seenInline.withLock { $0 } == events)
        #expect(events.map(\.turn) == [0, 1, 1, 1])
        #expect(events.map(\.time) == [.zero, .milliseconds(120), .milliseconds(100), .milliseconds(120)])
        #expect(events[1].payload == .finalTranscript(speaker: .caller, text: "my card is ####", confidence: 0.9))
        guard case let .toolStarted(trace) = events[3].payload else { Issue.record("wrong payload"); return }
        #expect(trace.arguments == "{\"card\":\"####\"}")
        var streamed: [CallEvent] = []
        for await e in stream { streamed.append(e) }
        #expect(streamed == events)
        #expect(bus.events == events)
    }
}
