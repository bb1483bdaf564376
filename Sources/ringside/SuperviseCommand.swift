import ArgumentParser
import Audio
import Foundation
import Logging
import RingsideCore
import Session
import Speech
import Telephony
import TUI

/// `ringside supervise --agent-uri sip:URI`: sit in the middle of calls to a remote voice agent.
struct Supervise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bridge inbound SIP calls to a remote voice agent; transcribe both sides, measure its latency, take calls over.",
        discussion: """
            Listens for SIP on --address:--port like serve (same transport, allow-list, auth and account options). \
            Each call rings while supervise calls --agent-uri; when the agent answers, the caller is answered and \
            the two legs' audio is bridged (each leg with its own codec; DTMF passed on). An agent that is busy, \
            fails or does not answer within --agent-timeout gives the caller a final failure response saying so \
            (486 busy, 603 declined, 404 not found, 480 no answer within the timeout or unavailable, or 502 \
            for anything else; the log names the agent's answer). A hang-up on either leg hangs up the other. Both sides are transcribed \
            locally and every call is recorded (stereo WAV: left the caller, right what the caller heard; \
            ringside replay opens it). On a terminal the calls are listed on a board as in serve (x transfers the selected caller to a typed URI, D drops the agent of a call taken over, t takes the \
            selected call over and hands it back). With --headless (or without a terminal) standard output carries one JSON line per transcript, per turn (the agent's \
            voice-to-voice as the caller heard it, v2vMs) and per call event. Standard input takes commands, one a \
            line: "t [ID]" takes the call (default: the newest) over or hands it back: the agent's leg is put on \
            hold (re-INVITE sendonly), the caller hears the operator (--operator-input, or the microphone: on the \
            board, or with --mic; silence otherwise) and the operator's speaker (--speaker; on the board, or \
            headless with --mic or --speaker) the caller; "say [@ID] TEXT" speaks TEXT to \
            the caller of a call taken over (flite; on the board, Tab and a line) and logs it as the operator's \
            transcript; "t" again resumes the agent and passes it what the caller and the operator said meanwhile \
            (a SIP MESSAGE in the agent's dialog, and a POST to --handback-webhook if given); "drop [ID]" \
            hangs up the agent's leg of a call taken over for good, the caller staying with the operator; \
            "x [@ID] URI" transfers the caller to URI (SIP REFER; both legs end once the target answers). \
            The alert rules, the fallback and the webhook may also be set in the configuration file (--config, \
            else the default one if it exists) under "supervise:": alerts: {phrases: [speak to a person], \
            silence_s: 8, v2v_ms: 2500, mos_below: 3.5}, fallback_uri: sip:..., handback_webhook: http://...; \
            a flag given replaces that setting.
            """
    )

    @Option(help: "The remote voice agent each call is bridged to, e.g. sip:agent@127.0.0.1:5062.")
    var agentUri: String

    @Option(help: "Address to listen on for SIP and RTP (the agent is called from it too).")
    var address = "127.0.0.1"

    @Option(help: "SIP port callers call.")
    var port: UInt16 = 5064

    @Option(help: "Codecs callers may use, in preference order: opus, pcmu, pcma.")
    var codecs = "opus,pcmu,pcma"

    @Option(help: "Codecs offered to the agent, in order: opus, pcmu, pcma.")
    var agentCodecs = "opus,pcmu,pcma"

    @Option(help: "Call this SIP URI instead when the agent is busy, fails or does not answer in time (the caller still rings); if it does not connect either, the caller is told.")
    var fallbackUri: String?

    @Option(help: "Seconds the agent may take to answer before the caller is told (480).")
    var agentTimeout: Double = 20

    @Option(help: "Record calls under this folder (default: $XDG_DATA_HOME/ringside/calls).")
    var record: String?

    @Flag(help: "Do not record calls.")
    var noRecord = false

    @Option(help: RecognizerEngine.optionHelp)
    var stt: RecognizerEngine?

    @Option(help: "Raise an alert when neither side has spoken for longer than this, seconds.")
    var alertSilence: Double?

    @Option(help: "Raise an alert when the agent's voice-to-voice for a turn is above this, ms.")
    var alertV2v: Double?

    @Option(help: "Raise an alert when either leg's MOS estimate (either direction) falls below this.")
    var alertMos: Double?

    @Option(help: "At each handback, POST the takeover's context (JSON: callID, agentURI, context, lines of speaker and text) to this http(s) URL; the agent also gets it as a SIP MESSAGE.")
    var handbackWebhook: String?

    @Flag(help: "No screen: only the JSON lines on standard output (and commands on standard input), even on a terminal.")
    var headless = false

    @Option(help: "Theme for the screen.")
    var theme: String?

    @Option(help: "Raise an alert (a JSON line of kind alert, and the terminal bell on standard error) when either side says this phrase; repeat for more.")
    var alert: [String] = []

    @OptionGroup(title: "Operator")
    var operatorAudio: OperatorAudioOptions

    @OptionGroup(title: "SIP")
    var sip: ServeSIPOptions

    @OptionGroup(title: "Account")
    var accountOptions: AccountOptions

    func validate() throws {
        guard agentUri.hasPrefix("sip:") || agentUri.hasPrefix("sips:") else { throw ValidationError("--agent-uri must be a sip: URI, e.g. sip:agent@127.0.0.1:5062") }
        if let fallbackUri, !(fallbackUri.hasPrefix("sip:") || fallbackUri.hasPrefix("sips:")) {
            throw ValidationError("--fallback-uri must be a sip: URI, e.g. sip:desk@127.0.0.1:5070")
        }
        guard agentTimeout > 0 else { throw ValidationError("--agent-timeout must be more than 0 seconds") }
        guard MediaCodec.list(codecs) != nil else { throw ValidationError("--codecs takes opus, pcmu and/or pcma") }
        guard MediaCodec.list(agentCodecs) != nil else { throw ValidationError("--agent-codecs takes opus, pcmu and/or pcma") }
        for (name, value) in [("--alert-silence", alertSilence), ("--alert-v2v", alertV2v), ("--alert-mos", alertMos)] {
            if let value, !(value > 0) { throw ValidationError("\(name) must be more than 0") }
        }
        if let handbackWebhook, !SuperviseSettings.isWebURL(handbackWebhook) {
            throw ValidationError("--handback-webhook \(handbackWebhook): not an http(s) URL")
        }
    }

    /// The configuration file's `supervise:` settings with the flags given laid over them (a flag given
    /// replaces that setting). Without `--config` the default file is read when there is one. Exits 2
    /// naming the file, line and problem when the file is malformed.
    func settings() throws -> SuperviseSettings {
        let path = accountOptions.config ?? SIPAccountsFile.defaultPath()
        var settings = SuperviseSettings()
        if accountOptions.config != nil || FileManager.default.fileExists(atPath: path) {
            do {
                settings = try SIPAccountsFile.load(path).supervise
            } catch {
                printError("\(error)")
                throw ExitCode(2)
            }
        }
        if !alert.isEmpty { settings.alertPhrases = alert }
        settings.rules.silenceSeconds = alertSilence ?? settings.rules.silenceSeconds
        settings.rules.v2vMs = alertV2v ?? settings.rules.v2vMs
        settings.rules.mos = alertMos ?? settings.rules.mos
        settings.fallbackURI = fallbackUri ?? settings.fallbackURI
        settings.handbackWebhook = handbackWebhook ?? settings.handbackWebhook
        return settings
    }

    func run() async throws {
        let settings = try settings()
        let useScreen = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let root = noRecord ? nil : (record.map { URL(fileURLWithPath: $0) } ?? CallRecorder.defaultRoot())
        CommandLogging.bootstrap(file: useScreen ? (root ?? FileManager.default.temporaryDirectory).appendingPathComponent("supervise.log").path : nil)
        var sipConfiguration = try sip.configuration(address: address, port: port)
        let registration = try ServeRegistration(accountOptions)
        registration?.apply(to: &sipConfiguration)
        let callerPhone = SIPPhone(configuration: SIPPhoneConfiguration(
            sip: sipConfiguration, mediaAddress: address, codecs: MediaCodec.list(codecs) ?? [.pcmu], autoAnswer: false,
            rtpTimeout: .seconds(sip.rtpTimeout), followsTransfers: false))
        // The agent is called from a port of its own, with its own codec list.
        let agentPhone = SIPPhone(configuration: SIPPhoneConfiguration(
            sip: SIPConfiguration(bindAddress: address, port: 0, transport: sip.transport), mediaAddress: address,
            codecs: MediaCodec.list(agentCodecs) ?? [.pcmu], autoAnswer: false, rtpTimeout: .seconds(sip.rtpTimeout), followsTransfers: false))
        do {
            try callerPhone.start()
            try agentPhone.start()
        } catch {
            printError("cannot listen for SIP on \(address):\(port): \(error)")
            throw ExitCode(3)
        }
        let alerts = settings.alertPhrases, rules = settings.rules
        // The operator's microphone and speaker: on the board, or headless when --mic or --speaker names them
        // (a headless supervisor is often where no sound server runs); --operator-input replaces the microphone.
        let operatorAudio = self.operatorAudio
        let usesDevices = useScreen || operatorAudio.mic != nil || operatorAudio.speaker != nil
        var speaker: MonitorSwitch?
        if usesDevices {
            let (ear, note) = operatorAudio.openSpeaker()
            speaker = ear
            if let note { Logger(label: "ringside.supervise").warning("\(note)") }
        }
        let server = SupervisedCallServer(callerPhone: callerPhone, agentPhone: agentPhone, options: .init(
            agentURI: agentUri, answerTimeout: agentTimeout, recordRoot: root, stt: stt,
            // Opened as the takeover begins, before it is announced: opened at the bridge's first read instead,
            // the device's start held the bridge's thread up, and the caller's phone dropped the burst that followed
            // (the operator's first second came through short); and words said as the takeover was announced were lost.
            operatorVoice: { _ in usesDevices || operatorAudio.operatorInput != nil ? operatorAudio.microphone(openNow: true) : nil },
            operatorSpeaker: speaker, handbackWebhook: settings.handbackWebhook, fallbackURI: settings.fallbackURI))
        defer { try? speaker?.close() }
        var boardState = BoardState(title: "SUPERVISE \(agentUri) at sip:supervise@\(address):\(port)",
                                    emptyNote: "Waiting for calls. Try: ringside call sip:supervise@\(address):\(port)")
        boardState.supervises = true
        let board: BoardScreen? = useScreen ? BoardScreen(
            board: boardState,
            themes: ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes"), initialTheme: theme) : nil
        let target = agentUri, engine = stt
        server.onCall = { leg in
            guard let watcher = leg.watcher else { return }
            let journal = LockedValue(SupervisionJournal(alertPhrases: alerts, rules: rules))
            if let board {
                // The caller's contact without its parameters (";transport=udp").
                let caller = leg.caller.sip.remoteURI.split(separator: ";").first.map(String.init) ?? leg.caller.sip.remoteURI
                board.upsert(id: leg.id, title: caller, detail: leg.caller.negotiated?.codec.encodingName ?? "", badge: .live)
                board.setSessionInfo(SessionInfo(agentName: target, transport: "sip (bridged)", stt: RecognizerEngine.headerName(engine) + " (both sides)",
                                                 brain: "remote", tts: "remote", inputDevice: "RTP", outputDevice: "RTP"), for: leg.id)
                board.attach(id: leg.id, events: watcher.bus.stream(name: "board"), clock: watcher.bus.clock)
                // The alert rules highlight the call (and ring the bell) on the board.
                watcher.bus.observe(name: "alerts") { event in
                    for line in journal.withLock({ $0.lines(for: event) }) where line.kind == "alert" {
                        board.raise(rule: [line.rule, line.speaker.map { "said by the \($0)" }].compactMap { $0 }.joined(separator: ", "), on: leg.id)
                    }
                }
                return
            }
            watcher.bus.observe(name: "journal") { event in
                for line in journal.withLock({ $0.texts(for: event) }) {
                    Self.say(line)
                    if line.contains("\"kind\":\"alert\"") { FileHandle.standardError.write(Data("\u{7}".utf8)) }
                }
            }
        }
        if let registration {
            server.onRegistration = { registered, status, phrase in
                if let line = registration.changed(registered: registered, status: status, phrase: phrase) { Self.sayNote(line) }
            }
            try registration.start(callerPhone)
        }
        if board == nil { Self.sayNote("supervising \(agentUri) at sip:supervise@\(address):\(port)") }
        let stopping = LockedValue(false)
        let stop: @Sendable () -> Void = {
            guard stopping.withLock({ s in defer { s = true }; return !s }) else { return }
            Task {
                await server.shutdown(reason: "supervise is shutting down")
                if let registration { await registration.stop(callerPhone, timeout: 2) }
            }
        }
        let signals = onTerminationSignals(stop)
        defer { signals.forEach { $0.cancel() } }
        if let board {
            let serving = Task { await server.run() }
            _ = try? await board.run { id, action in
                switch action {
                case .takeOver: server.takeOver(id)
                case .handBack: server.handBack(id)
                case let .say(text): server.say(id, text: text)
                case .dropAgent: server.dropAgent(id)
                case let .transfer(uri): server.transfer(id, to: uri)
                default: break
                }
            }
            stop()
            await serving.value
            return
        }
        // Commands on standard input (a line each); its end changes nothing.
        // Read raw, not with readLine: stdio would hold standard input's lock while it waits, and any
        // fflush(nil) (every stream) would wait for the next command with it.
        let commands = Thread {
            var pending = Data()
            while true {
                let chunk = FileHandle.standardInput.availableData
                if chunk.isEmpty { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    Self.obey(line, server: server, stop: stop)
                }
            }
        }
        commands.start()
        await server.run()
    }

    /// One command line from standard input.
    private static func obey(_ line: String, server: SupervisedCallServer, stop: @Sendable () -> Void) {
        let words = line.split(separator: " ").map(String.init)
        guard let verb = words.first else { return }
        let id = words.dropFirst().first ?? server.calls.last(where: { $0.stage == .bridged })?.id
        switch verb {
        case "t", "takeover", "handback":
            guard let id else { Self.sayNote("no call to take over"); return }
            let done = verb == "t" ? server.toggleTakeover(id) : verb == "takeover" ? server.takeOver(id) : server.handBack(id)
            if !done { Self.sayNote("call \(id): nothing to \(verb == "t" ? "take over or hand back" : verb)") }
        case "x", "transfer":
            // "x [@ID] URI": the newest bridged call unless named.
            let (named, rest) = Self.named(words)
            guard let uri = rest.first, uri.hasPrefix("sip:") || uri.hasPrefix("sips:") else { Self.sayNote("x: a sip: URI to transfer the caller to"); return }
            guard let id = named ?? server.calls.last(where: { $0.stage == .bridged })?.id, server.transfer(id, to: uri) else {
                Self.sayNote("x: no bridged call to transfer"); return
            }
        case "drop":
            guard let id = words.dropFirst().first ?? server.calls.last(where: \.isTakenOver)?.id, server.dropAgent(id) else {
                Self.sayNote("drop: no call taken over (t first)"); return
            }
        case "say":
            // "say TEXT": the newest taken-over call; "say @ID TEXT" names one.
            let (named, rest) = Self.named(words)
            guard let id = named ?? server.calls.last(where: \.isTakenOver)?.id, server.say(id, text: rest.joined(separator: " ")) else {
                Self.sayNote("say: no call taken over (t first), or nothing to say"); return
            }
        case "q", "quit":
            stop()
        default:
            Self.sayNote("unknown command \"\(verb)\": t [ID] takes a call over or hands it back; say [@ID] TEXT speaks to its caller; drop [ID] hangs up its agent; x [@ID] URI transfers its caller; q stops")
        }
    }

    /// A command's words after the verb: a call named "@ID" first, if any, and the rest.
    private static func named(_ words: [String]) -> (id: String?, rest: [String]) {
        let rest = words.dropFirst()
        guard let first = rest.first, first.hasPrefix("@") else { return (nil, Array(rest)) }
        return (String(first.dropFirst()), Array(rest.dropFirst()))
    }

    private static let output = NSLock()

    /// One JSON line on standard output, at once and whole (written directly: not through stdio's buffer).
    static func say(_ line: String) {
        output.withLock { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }

    /// A note for people, as a JSON line of its own kind, so standard output stays one JSON object a line.
    static func sayNote(_ text: String) {
        let escaped = String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        say("{\"kind\":\"note\",\"text\":\(escaped)}")
    }
}
