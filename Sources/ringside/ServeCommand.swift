import Agent
import ArgumentParser
import Foundation
import RingsideCore
import Session
import Telephony
import TUI

/// `ringside serve`: host an agent for inbound SIP calls; watch a call live and take it over.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer inbound SIP calls with an embedded agent.",
        discussion: """
            Listens for SIP on --address:--port (127.0.0.1:5062 by default; give a routable address to take calls \
            from other machines). Each call runs the agent with its audio over RTP (Opus, PCMU or PCMA) and is \
            recorded. On a terminal the first live call is shown on the call screen, where t takes it over; \
            with --headless every call's transcript is logged instead.
            """
    )

    @Option(help: "The agent folder (holding agent.yaml).")
    var agent = "sample-calls/clinic"

    @Option(help: "Address to listen on for SIP and RTP.")
    var address = "127.0.0.1"

    @Option(help: "SIP port.")
    var port: UInt16 = 5062

    @Option(help: "Record calls under this folder (default: $XDG_DATA_HOME/ringside/calls).")
    var record: String?

    @Flag(help: "Do not record calls.")
    var noRecord = false

    @Flag(help: "No screen: log each call's transcript.")
    var headless = false

    @Option(help: "Approval requests: ask (keys a/d on screen), all, or none.")
    var approve = "ask"

    @Option(help: "Theme for the screen.")
    var theme: String?

    @Option(help: "One database file for every call (created from the agent's seed when missing); default: a fresh copy per call.")
    var database: String?

    @OptionGroup(title: "SIP")
    var sip: ServeSIPOptions

    func run() async throws {
        let useScreen = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let root = noRecord ? nil : (record.map { URL(fileURLWithPath: $0) } ?? CallRecorder.defaultRoot())
        CommandLogging.bootstrap(file: useScreen ? (root ?? FileManager.default.temporaryDirectory).appendingPathComponent("serve.log").path : nil)
        let approval: ApprovalMode = approve == "all" ? .approveAll : approve == "none" ? .denyAll : (useScreen ? .ask : .denyAll)
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(
            sip: try sip.configuration(address: address, port: port), mediaAddress: address, autoAnswer: true,
            rtpTimeout: .seconds(sip.rtpTimeout)))
        do {
            try phone.start()
        } catch {
            printError("cannot listen for SIP on \(address):\(port): \(error)")
            throw ExitCode(3)
        }
        var databaseURL: URL?
        if let database {
            databaseURL = URL(fileURLWithPath: database)
            if !FileManager.default.fileExists(atPath: database) {
                do {
                    _ = try AgentDatabase.create(at: URL(fileURLWithPath: database), definition: try AgentLoader.load(directory: URL(fileURLWithPath: agent)))
                } catch {
                    printError("cannot create the database \(database): \(error)")
                    throw ExitCode(2)
                }
            }
        }
        let firstCall = AsyncStream<AgentCallServer.ServedCall>.makeStream()
        let server = AgentCallServer(phone: phone, agentDirectory: URL(fileURLWithPath: agent), recordRoot: root, approvalMode: approval,
                                     databaseURL: databaseURL) { served in
            if useScreen {
                firstCall.continuation.yield(served)
            } else {
                served.call.bus.observe { event in
                    if let line = LiveCall.line(for: event) { print("[\(served.call.bus.callID)] \(line)") }
                }
            }
        }
        print("serving \(agent) at sip:agent@\(address):\(port)")
        let serving = Task { await server.run() }
        if useScreen {
            // Show calls one after another on the call screen.
            for await served in firstCall.stream {
                let session = served.call.session
                let screen = CallScreen(sessionInfo: SessionInfo(agentName: served.call.definition.name, transport: "sip",
                                                                 stt: "pocketsphinx (adapted)", brain: "intent engine", tts: "flite",
                                                                 inputDevice: "RTP", outputDevice: "RTP"),
                                        themes: ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes"),
                                        initialTheme: theme, stopWhenEventsEnd: true)
                let exit = try? await screen.run(events: served.call.bus.stream(), clock: served.call.bus.clock) { action in
                    session.send(LiveCall.command(for: action))
                }
                if exit == .quit || exit == .interrupted { break }
            }
            await phone.shutdown()
        }
        await serving.value
    }
}
