import Agent
import ArgumentParser
import Audio
import Foundation
import Logging
import RingsideCore
import Session
import Speech
import Telephony
import TUI

/// `ringside serve`: host an agent for inbound SIP calls; watch a call live and take it over.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer inbound SIP calls with an embedded agent.",
        discussion: """
            Listens for SIP on --address:--port (127.0.0.1:5062 by default; give a routable address to take calls \
            from other machines). Each call runs the agent with its audio over RTP (Opus, PCMU or PCMA) and is \
            recorded. On a terminal the calls are listed on a board: Up/Down select a call, its panes show below \
            the list, Enter opens it on the whole screen, t takes it over (your microphone, or Tab to type, goes \
            to the caller; you hear the call on your speaker) and t hands it back to the agent with what was said. \
            When the agent hands a caller to a human the call is held: the terminal bell rings, the call is \
            highlighted with the agent's handoff summary, and t takes it. With --headless every call's \
            transcript is logged instead (a handoff then ends the call).
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

    @Option(help: RecognizerEngine.optionHelp)
    var stt: RecognizerEngine?

    @Option(help: "How the end of a caller's turn is decided: rules (the transcript rules), or smart (the Smart Turn model, one process shared by all calls, the rules as a second opinion; the rules alone when it is not installed).")
    var turn: TurnDetectorChoice = .rules

    @Option(help: "Take at most this many calls at once; more get 503 with Retry-After.")
    var maxCalls: Int?

    @Option(help: "What the agent says on each live call when serve is stopped (SIGTERM, SIGINT, q) before it hangs up; \"\" says nothing.")
    var goodbye = "Sorry, we have to close this line now. Goodbye."

    @Option(help: "When stopped, first wait up to this many seconds for live calls to end by themselves (new calls get 503 meanwhile), then say --goodbye to those still up.")
    var drain: Double = 0

    @Flag(help: "Keep a recording folder (events only) for calls that ended before the agent started.")
    var recordFailed = false

    @OptionGroup(title: "Operator")
    var operatorAudio: OperatorAudioOptions

    @OptionGroup(title: "SIP")
    var sip: ServeSIPOptions

    @OptionGroup(title: "Account")
    var accountOptions: AccountOptions

    func validate() throws { try accountOptions.requireAccountWithConfig() }

    func run() async throws {
        let useScreen = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let root = noRecord ? nil : (record.map { URL(fileURLWithPath: $0) } ?? CallRecorder.defaultRoot())
        CommandLogging.bootstrap(file: useScreen ? (root ?? FileManager.default.temporaryDirectory).appendingPathComponent("serve.log").path : nil)
        let approval: ApprovalMode = approve == "all" ? .approveAll : approve == "none" ? .denyAll : (useScreen ? .ask : .denyAll)
        var sipConfiguration = try sip.configuration(address: address, port: port)
        sipConfiguration.maximumCalls = maxCalls
        let registration = try ServeRegistration(accountOptions)
        registration?.apply(to: &sipConfiguration)
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(
            sip: sipConfiguration, mediaAddress: address, autoAnswer: true,
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
        let uri = "sip:agent@\(address):\(port)"
        let board: BoardScreen? = useScreen ? BoardScreen(
            board: BoardState(title: "SERVE \(URL(fileURLWithPath: agent).lastPathComponent) at \(uri)",
                              emptyNote: "Waiting for calls. Try: ringside call \(uri)"),
            themes: ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes"), initialTheme: theme) : nil
        let sessions = LockedValue<[String: CallSession]>([:])
        let server = AgentCallServer(phone: phone, agentDirectory: URL(fileURLWithPath: agent), recordRoot: root, approvalMode: approval,
                                     databaseURL: databaseURL) { served in
            let id = served.call.bus.callID
            if let board {
                sessions.withLock { $0[id] = served.call.session }
                // An ended call takes no more commands: forget its session (the board keeps its row).
                served.call.bus.observe(name: "board") { event in
                    if case .callEnded = event.payload { sessions.withLock { _ = $0.removeValue(forKey: id) } }
                }
                // The caller's contact without its parameters (";transport=udp").
                let caller = served.phoneCall.sip.remoteURI.split(separator: ";").first.map(String.init) ?? served.phoneCall.sip.remoteURI
                board.upsert(id: id, title: caller,
                             detail: served.phoneCall.negotiated?.codec.encodingName ?? "", badge: .live)
                board.setSessionInfo(SessionInfo(agentName: served.call.definition.name, transport: "sip",
                                                 stt: RecognizerEngine.headerName(stt), brain: "intent engine", tts: "flite \(served.call.definition.voice)",
                                                 inputDevice: "RTP", outputDevice: "RTP"), for: id)
                board.attach(id: id, events: served.call.bus.stream(name: "board"), clock: served.call.bus.clock)
            } else {
                served.call.bus.observe(name: "console") { event in
                    if let line = LiveCall.line(for: event) { print("[\(id)] \(line)") }
                }
            }
        }
        server.stt = stt
        server.endOfTurnModel = await CallAudioOptions.endOfTurnModel(turn)
        server.recordFailed = recordFailed
        // The operator's ear and voice: a speaker switched to the call taken over, and a microphone per call.
        var monitor: MonitorSwitch?
        if board != nil {
            let (ear, note) = operatorAudio.openSpeaker()
            monitor = ear
            if let note { Self.logger.warning("\(note)") }
            let operatorAudio = self.operatorAudio
            server.operatorSetup = AgentCallServer.Operator(holdOnHandoff: true, microphone: { _ in operatorAudio.microphone() },
                                                            monitor: { id in ear?.tap(for: id) })
        }
        print("serving \(agent) at \(uri)")
        // --account: register, say how each answer went, unregister on the way out (Ctrl-C, SIGTERM, q).
        if let registration {
            server.onRegistration = { registered, status, phrase in
                guard let line = registration.changed(registered: registered, status: status, phrase: phrase) else { return }
                if let board { board.setSummary(registration.summary) } else { ServeRegistration.say(line) }
            }
            board?.setSummary(registration.summary)
            try registration.start(phone)
        }
        let stop = ServeShutdown(server: server, phone: phone, registration: registration, goodbye: goodbye, drain: max(0, drain))
        // Without a screen, SIGINT and SIGTERM stop serve gracefully; a second one ends it at once.
        // (The screen takes those signals itself and returns from `run`.)
        let signalSources = board == nil ? stop.onSignals() : []
        defer { signalSources.forEach { $0.cancel() } }
        let serving = Task { await server.run() }
        if let board {
            let ear = monitor
            _ = try? await board.run { id, action in
                guard let session = sessions.value[id] else { return }
                switch action {
                case .takeOver: ear?.listen(to: id)
                case .handBack: if ear?.current == id { ear?.listen(to: nil) }
                default: break
                }
                if let command = LiveCall.command(for: action) { session.send(command) }
            }
            await stop.run()
            try? monitor?.close()
        }
        await serving.value
    }

    private static let logger = Logger(label: "ringside.serve")
}

/// How `serve` stops: new calls get 503; with `drain`, live calls get that long to end by themselves;
/// then every call still up hears the goodbye and a BYE, recordings are closed with their call-ended
/// record, the account is unregistered and SIP shuts down, all within `budget` seconds more (past it,
/// serve exits anyway, status 1). Runs once, however often it is asked.
final class ServeShutdown: Sendable {
    let server: AgentCallServer
    let phone: SIPPhone
    let registration: ServeRegistration?
    let goodbye: String
    let drain: Double
    let budget: Double
    private let started = LockedValue(false)

    init(server: AgentCallServer, phone: SIPPhone, registration: ServeRegistration?, goodbye: String, drain: Double = 0, budget: Double = 5) {
        self.server = server
        self.phone = phone
        self.registration = registration
        self.goodbye = goodbye
        self.drain = drain
        self.budget = budget
    }

    /// SIGINT and SIGTERM start `run()`; the second one exits at once. Keep the sources until serve ends.
    func onSignals() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signo in
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [self] in
                if started.value {
                    ServeRegistration.say("stopping at once (second signal)")
                    _exit(128 + signo)
                }
                Task { await run() }
            }
            source.resume()
            return source
        }
    }

    func run() async {
        guard started.withLock({ s in defer { s = true }; return !s }) else { return }
        // A watchdog: whatever hangs below, serve is gone within the drain and the budget.
        let limit = drain + budget
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            ServeRegistration.say("could not stop within \(Int(limit)) s; exiting")
            _exit(1)
        }
        phone.agent.stopAccepting()
        var live = server.callsInProgress
        if drain > 0 && live > 0 {
            ServeRegistration.say("draining: new calls get 503; waiting up to \(Int(drain)) s for \(live) call\(live == 1 ? "" : "s") to end")
            _ = await server.waitForCalls(deadline: drain)
            live = server.callsInProgress
        }
        let begin = ContinuousClock.now
        func left() -> Double {
            let spent = ContinuousClock.now - begin
            return budget - (Double(spent.components.seconds) + Double(spent.components.attoseconds) / 1e18)
        }
        ServeRegistration.say(live == 0 ? "stopping: no calls in progress" : "stopping: ending \(live) call\(live == 1 ? "" : "s") in progress")
        // Most of the budget for the goodbyes; what is left for the BYEs, the registrar and SIP's own shutdown.
        let ended = await server.drain(farewell: goodbye, reason: "serve is shutting down", deadline: max(0.5, left() - 1.5))
        if !ended { ServeRegistration.say("calls still up after the goodbye: hung up") }
        await registration?.stop(phone, timeout: max(0.2, min(1, left() - 0.5)))
        await phone.shutdown()
    }
}
