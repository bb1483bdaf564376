import ArgumentParser
import Audio
import Foundation
import RingsideCore
import Session
import Speech
import Telephony
import TUI

/// `ringside call SIP-URI`: the terminal softphone to a remote voice agent.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call a voice agent over SIP; watch both sides transcribed and the latency of every turn.",
        discussion: "Example: ringside call sip:agent@127.0.0.1:5062 (start `ringside serve` in another terminal to try it)."
    )

    @Argument(help: "The agent's SIP URI.")
    var uri: String

    @Option(help: "Local address for SIP and RTP.")
    var address = "127.0.0.1"

    @Option(help: "Local SIP port (0 picks a free one).")
    var port: UInt16 = 0

    @Option(help: "Codecs to offer, in order: opus, pcmu, pcma.")
    var codecs = "opus,pcmu,pcma"

    @OptionGroup
    var auth: SIPAuthOptions

    @OptionGroup(title: "Audio")
    var audio: CallAudioOptions

    @OptionGroup(title: "Account")
    var accountOptions: AccountOptions

    func validate() throws {
        try accountOptions.requireAccountWithConfig()
        if accountOptions.account != nil, auth.authUser != nil { throw ValidationError("--account brings its own credentials; leave out --auth-user") }
    }

    func run() async throws {
        let useScreen = !audio.noTUI && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        CommandLogging.bootstrap(file: useScreen ? FileManager.default.temporaryDirectory.appendingPathComponent("ringside-call.log").path : nil)
        guard let offered = MediaCodec.list(codecs) else {
            printError("--codecs takes opus, pcmu and/or pcma")
            throw ExitCode(2)
        }
        var localPort = port
        if localPort == 0 {
            localPort = (0..<200).lazy.map { _ in UInt16.random(in: 20000...40000) }.first { PortProbe.isFree(port: $0, transport: .udp) && PortProbe.isFree(port: $0, transport: .tcp) } ?? 5070
        }
        let rate = SampleRate.hz16000
        let clock = MonotonicClock()
        // The agent's voice from the speaker must not reach it back through the microphone (it would barge in on itself).
        let devices = try audio.openDevices(rate: rate, clock: clock, speakerStream: "remote agent", microphoneStream: "caller")
        let echoCanceller = devices.echoCanceller
        defer { echoCanceller?.unload() }
        let speaker = devices.speaker.sink
        guard let microphone = devices.microphone?.source else { throw ExitCode(3) }

        // UDP and TCP are both bound, so a `;transport=tcp` URI is called over TCP.
        var sipConfiguration = SIPConfiguration(bindAddress: address, port: localPort,
                                                credentials: try auth.credentials(environment: "RINGSIDE_CALL_PASSWORD"))
        if let (account, accountCredentials) = try accountOptions.load() {
            // Call as the account: its address as From, through its registrar, answering challenges with its password.
            sipConfiguration.identity = account.addressOfRecord
            sipConfiguration.outboundProxy = account.registrarURI
            sipConfiguration.credentials = accountCredentials
        }
        let phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: sipConfiguration,
                                                                  mediaAddress: address, codecs: offered, rate: rate, autoAnswer: false))
        try phone.start()
        let phoneCall = try phone.dial(uri)
        // Without a screen, Ctrl-C (or a kill) hangs up properly, whenever it comes: BYE (or CANCEL while
        // ringing), not a peer left waiting for RTP that never comes. The screen handles its own signals.
        let hangUp = LockedValue<(@Sendable () -> Void)?>({ phoneCall.hangUp() })
        let signals = useScreen ? [] : onTerminationSignals { hangUp.value?() }
        defer { signals.forEach { $0.cancel() } }
        print("calling \(uri) from \(phone.localURI)…")
        var codec: MediaCodec?
        for await event in phone.events {
            if case let .connected(_, c) = event { codec = c; break }
            if case let .ended(_, reason) = event {
                printError("the call did not connect: \(reason)")
                await phone.shutdown()
                throw ExitCode(1)
            }
        }
        guard let codec else { throw ExitCode(1) }
        let bus = CallEventBus(callID: String(UUID().uuidString.prefix(8)).lowercased(), clock: clock)
        // The far end can move: a REFER from the agent's side is followed by calling the new party.
        // The call ends when its current leg does (the watcher below), not when an old leg's media stops.
        let line = CallAudioLine(media: phoneCall.media, endsWithMedia: false)
        let current = LockedValue(phoneCall)
        // The far end is heard as the agreed codec carries it: G.711 is telephone band.
        let agentEar = try PocketSphinxRecognizer(configuration: .standard())
        agentEar.hearTelephoneBand(codec.isNarrowband)
        let session = RemoteCallSession(bus: bus, microphone: microphone, speaker: speaker,
                                        farEndIn: line.source, farEndOut: line.sink,
                                        callerRecognizer: try await RecognizerEngine.ears(streaming: try PocketSphinxRecognizer(configuration: .standard()),
                                                                                          engine: audio.stt, realtime: true),
                                        agentRecognizer: try await RecognizerEngine.ears(streaming: agentEar, engine: audio.stt, realtime: true),
                                        vad: audio.vadDetectors())
        let transport = "sip \(codec.encodingName)"
        // Hang up locally when the far end does; follow a transfer to its new call.
        let watcher = Task {
            for await event in phone.events {
                // The session says how the call ended; the old leg of a transfer ending is no news.
                if case .ended = event {} else if let payload = event.callEventPayload { bus.emit(.sip, payload) }
                switch event {
                case let .transferred(from, to) where from === current.value:
                    current.withLock { $0 = to }
                    line.hold()
                case let .connected(call, _) where call === current.value:
                    line.move(to: call.media)
                case let .ended(call, _) where call === current.value:
                    session.send(.hangUp)
                    return
                default:
                    break
                }
            }
        }
        if useScreen {
            let screen = CallScreen(sessionInfo: SessionInfo(agentName: uri, transport: transport, stt: RecognizerEngine.headerName(audio.stt) + " (both sides)",
                                                             brain: "remote", tts: "remote", inputDevice: audio.mic ?? "default microphone",
                                                             outputDevice: audio.speaker ?? "default speaker", echoCancel: echoCanceller != nil),
                                    themes: ThemeLibrary.load(directory: ThemeLibrary.defaultDirectory() ?? "themes"),
                                    initialTheme: audio.theme, stopWhenEventsEnd: true, softphone: true)
            // Subscribe before the session starts, so the screen sees the call start.
            let events = bus.stream(name: "screen")
            let running = Task { await session.run(transport: transport) }
            _ = try? await screen.run(events: events, clock: clock) { action in
                switch action {
                case let .dtmf(digit):
                    phoneCall.sendDTMF(digit)
                    bus.emit(.sip, .sipState(.dtmfSent(digit: String(digit))))
                case let .setOnHold(hold):
                    do {
                        try hold ? phone.hold(phoneCall) : phone.resume(phoneCall)
                    } catch {
                        bus.emit(.sip, .error("cannot \(hold ? "hold" : "resume") the call: \(error)"))
                    }
                default:
                    if let command = LiveCall.command(for: action) { session.send(command) }
                }
            }
            session.send(.hangUp)
            print("call ended: \(await running.value)")
        } else {
            print("echo cancelling: \(devices.echoCancelNote)")
            bus.observe(name: "console") { event in if let line = LiveCall.line(for: event) { print(line) } }
            // Ctrl-C (or a kill) hangs up properly: BYE, not a peer left waiting for RTP that never comes.
            hangUp.withLock { $0 = { session.send(.hangUp) } }
            print("call ended: \(await session.run(transport: transport))")
        }
        current.value.hangUp()
        watcher.cancel()
        await phone.shutdown()
    }
}
