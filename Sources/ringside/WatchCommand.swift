import ArgumentParser
import Evaluation
import Foundation
import RingsideCore

/// `ringside watch SCENARIO`: a simulated caller from a sample call talks to the agent while you watch;
/// `t` takes the call over as the human agent.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a simulated caller (a sample-call scenario) talk to the agent; take over with t.",
        discussion: """
            The caller's lines are spoken with flite in the scenario's voice, each when the agent (or you) has \
            finished. You hear both sides. Press t to take over: the agent stops, your microphone (or Tab to type) \
            goes to the caller, and both sides keep being transcribed; t again hands back, and the agent carries on \
            with what was said. Example: ringside watch sample-calls/clinic/calls/book-happy-path.yaml
            """
    )

    @Argument(help: "A scenario file (YAML) from an agent's calls/ folder.")
    var scenario: String

    @Option(help: "Approval requests: ask (keys a/d on screen), all, or none (default: the scenario's answer).")
    var approve: String?

    @OptionGroup(title: "Audio")
    var audio: CallAudioOptions

    func run() async throws {
        let loaded: Scenario
        do {
            loaded = try ScenarioLoader.load(URL(fileURLWithPath: scenario))
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
        let voice = try ScenarioVoice(profile: loaded.caller)
        let frames = try await voice.render(loaded.turns)
        let speechRMS = loaded.audio.noise == nil ? 0 : try await voice.speechRMS()
        let approval = approve ?? (loaded.approval == .approve ? "all" : loaded.approval == .deny ? "none" : "ask")
        try await LiveCall(agentDirectory: loaded.agentDirectory.path, audio: audio, approve: approval, simulatedCaller: { bus in
            let caller = ScenarioCaller(turns: loaded.turns, audio: frames, rate: voice.rate, bus: bus, limits: loaded.limits) { digits in
                bus.emit(.sip, .dtmf(digit: digits))
            }
            return loaded.audio.isClean ? caller : try PhoneLine(source: caller, conditions: loaded.audio, speechRMS: speechRMS)
        }, operatorUsesMicrophone: true, transport: "simulated caller").run()
    }
}
