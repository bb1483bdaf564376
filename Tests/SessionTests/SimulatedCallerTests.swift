import Audio
import RingsideCore
import Speech
import Testing
@testable import Session

/// Several simulated callers speaking at once, each from a task on Swift's cooperative pool (two threads
/// on a two-core machine), as parallel calls in a test run do. Synthesising a line must not need a
/// cooperative thread while it blocks one: with more callers than threads that deadlocked.
@Suite struct SimulatedCallerTests {
    @Test(.timeLimit(.minutes(1)))
    func manyCallersSynthesiseAtOnceWithoutStarvingThePool() async throws {
        let voice = try FliteSynthesizer(voice: "rms")
        let callers = 6
        let spoke = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<callers {
                group.addTask {
                    let bus = CallEventBus(callID: "caller-\(i)", clock: VirtualClock())
                    let caller = SimulatedCaller(lines: [.say("hello, this is caller number \(i)")], synthesizer: voice, rate: .hz16000, bus: bus)
                    // The agent has just finished: the caller may speak after its pause.
                    bus.emit(.playout, .playoutFinished(heardFraction: 1))
                    let clock = bus.clock as? VirtualClock
                    for _ in 0..<200 {
                        clock?.advance(by: AudioFrame.duration)
                        guard let frame = try? caller.nextFrame() else { return false }
                        if frame.samples.contains(where: { $0 != 0 }) { return true }
                    }
                    return false
                }
            }
            var all: [Bool] = []
            for await s in group { all.append(s) }
            return all
        }
        #expect(spoke.count == callers)
        #expect(spoke.allSatisfy { $0 }, "every caller spoke its line: \(spoke)")
    }
}
