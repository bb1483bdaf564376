import Agent
import Audio
import Foundation
import Logging
import RingsideCore
import Session
import Speech

/// Answers SIP calls with the embedded agent: every connected call becomes a `CallSession` whose
/// caller audio is the RTP stream and whose output goes back over RTP. Several calls at once.
public final class AgentCallServer: @unchecked Sendable {
    /// One call being served.
    public struct ServedCall: Sendable {
        public let phoneCall: PhoneCall
        public let call: EmbeddedCall
    }

    /// What an operator watching the calls brings to each: a microphone for takeovers, an ear on the
    /// call, and whether a caller handed to a human waits for them.
    public struct Operator: Sendable {
        /// Keep a handed-off caller on hold for the operator instead of ending the call.
        public var holdOnHandoff: Bool
        /// The operator's voice for a takeover of the call with this id (nil: typed lines only).
        public var microphone: @Sendable (String) -> (any AudioSource)?
        /// Where the operator hears the call with this id (caller and agent mixed); nil: nowhere.
        public var monitor: @Sendable (String) -> (any AudioSink)?

        public init(holdOnHandoff: Bool = true, microphone: @escaping @Sendable (String) -> (any AudioSource)? = { _ in nil },
                    monitor: @escaping @Sendable (String) -> (any AudioSink)? = { _ in nil }) {
            self.holdOnHandoff = holdOnHandoff
            self.microphone = microphone
            self.monitor = monitor
        }
    }

    public let phone: SIPPhone
    /// Set before `run()` when an operator watches; nil serves calls with nobody watching.
    public var operatorSetup: Operator?
    /// Who writes the caller's finals; nil = `RecognizerEngine.preferred()`.
    public var stt: RecognizerEngine?
    /// Decides the end of callers' turns with a learned model (shared by every call); nil: the rules.
    public var endOfTurnModel: (any EndOfTurnModel)?
    /// Set before `run()` to hear the registrar's answers (`SIPPhone.register`): registered, status, phrase.
    public var onRegistration: (@Sendable (Bool, Int, String) -> Void)?
    /// Keep a recording folder (events only) for calls that ended before their agent started.
    public var recordFailed = false
    /// Recognisers kept for the next call (loading and adapting one costs seconds).
    public let recognizers = RecognizerPool()
    /// At most this many idle recognisers are kept per agent and band (after a burst, the rest go).
    public var maximumIdleRecognizers = 4
    /// Calls that ended before the agent was started for them (no engines, no recording).
    public var endedBeforeStart: Int { skipped.value }
    private let skipped = LockedValue(0)
    /// Each running call's task (the session, then the hang-up): `drain` waits for them.
    private let running = LockedValue<[ObjectIdentifier: Task<Void, Never>]>([:])
    /// Calls between `.connected` and their task being on record (loading a recogniser can take seconds).
    private let starting = LockedValue(0)
    private let stopping = LockedValue(false)
    /// What calls hear when they are ended by `drain` (also those that finish starting afterwards).
    private let farewellOnStop = LockedValue<(farewell: String?, reason: String)>((nil, "serve is shutting down"))
    private let agentDirectory: URL
    private let recordRoot: URL?
    private let approvalMode: ApprovalMode
    private let databaseURL: URL?
    private let onCall: @Sendable (ServedCall) -> Void
    private let calls = LockedValue<[ObjectIdentifier: ServedCall]>([:])
    /// Calls their peer put on hold since their last handback: someone in front of them (`ringside
    /// supervise`) has taken them over, and a MESSAGE from it hands them back.
    private let heldByPeer = LockedValue<Set<ObjectIdentifier>>([])
    private let logger = Logger(label: "ringside.serve")
    private let transfers: CallTransfers

    /// `onCall` sees each call once its session exists (to show it, or to drive it in tests).
    /// `databaseURL` is one database file every call uses, as a real clinic's would be; nil gives
    /// each call a fresh copy of the agent's seed.
    public init(phone: SIPPhone, agentDirectory: URL, recordRoot: URL?, approvalMode: ApprovalMode = .ask, databaseURL: URL? = nil,
                onCall: @escaping @Sendable (ServedCall) -> Void = { _ in }) {
        self.phone = phone
        self.agentDirectory = agentDirectory
        self.recordRoot = recordRoot
        self.approvalMode = approvalMode
        self.databaseURL = databaseURL
        self.onCall = onCall
        transfers = CallTransfers(phone: phone, logger: logger)
    }

    /// Calls running or still starting (their agent loading).
    public var callsInProgress: Int { running.value.count + starting.value }

    /// Calls in progress.
    public var activeCalls: [ServedCall] { calls.value.values.sorted { $0.call.bus.callID < $1.call.bus.callID } }

    /// Answers calls until the phone's event stream ends (`shutdown()`).
    public func run() async {
        for await event in phone.events {
            switch event {
            case let .connected(phoneCall, codec):
                if transfers.connected(phoneCall, release: { c in calls.withLock { $0.removeValue(forKey: ObjectIdentifier(c)) } != nil }) { break }
                if let reason = phoneCall.endReason {
                    // Over before we got to it (an INVITE and its BYE in one burst): nothing to load or record.
                    skipped.withLock { $0 += 1 }
                    logger.info("\(phoneCall) ended before its agent started: \(reason)")
                    if recordFailed { recordEarlyEnd(phoneCall, codec: codec, reason: reason) }
                    break
                }
                if stopping.value {
                    logger.info("\(phoneCall) connected while serve is stopping: hung up")
                    phoneCall.hangUp()
                    break
                }
                starting.withLock { $0 += 1 }
                await start(phoneCall, codec: codec)
                starting.withLock { $0 -= 1 }
            case let .ended(phoneCall, reason):
                heldByPeer.withLock { _ = $0.remove(ObjectIdentifier(phoneCall)) }
                if transfers.ended(phoneCall, reason: reason) { break }
                if let served = calls.withLock({ $0.removeValue(forKey: ObjectIdentifier(phoneCall)) }) {
                    served.call.bus.emit(.sip, .sipState(.ended(reason: reason)))
                    served.call.session.send(.hangUp)
                }
            case let .mediaChanged(phoneCall, direction):
                // The caller put the agent on hold or resumed.
                if let payload = event.callEventPayload { calls.value[ObjectIdentifier(phoneCall)]?.call.bus.emit(.sip, payload) }
                if direction != .sendrecv { heldByPeer.withLock { _ = $0.insert(ObjectIdentifier(phoneCall)) } }
                logger.info("\(phoneCall) media \(direction.rawValue)")
            case let .dtmf(phoneCall, digit):
                calls.value[ObjectIdentifier(phoneCall)]?.call.bus.emit(.sip, .dtmf(digit: String(digit)))
            case let .transferProgress(phoneCall, status, phrase):
                guard let served = calls.value[ObjectIdentifier(phoneCall)] else { break }
                transfers.progressed(served, status: status, phrase: phrase) {
                    if calls.withLock({ $0.removeValue(forKey: ObjectIdentifier(phoneCall)) }) != nil { phoneCall.hangUp() }
                    served.call.session.send(.hangUp)
                }
            case let .message(phoneCall, text):
                // In a call's dialog, from whoever is in front of it (`ringside supervise`): the context of a handback.
                // Held first, it was taken over there, and this hands it back; otherwise the agent was live all
                // along: the lines are news to it, and it carries on where it is (nothing is said twice).
                guard let served = calls.value[ObjectIdentifier(phoneCall)] else { break }
                let lines = text.split(separator: "\n").count
                if heldByPeer.withLock({ $0.remove(ObjectIdentifier(phoneCall)) != nil }) {
                    served.call.session.send(.handedBack(context: text))
                    logger.info("\(phoneCall): handed back with context (lines: \(lines))")
                } else {
                    served.call.session.send(.contextPassedOn(text))
                    logger.info("\(phoneCall): context passed on while not taken over (lines: \(lines)); the agent carries on")
                }
            case let .messageRefused(phoneCall, status, problem):
                if let payload = event.callEventPayload { calls.value[ObjectIdentifier(phoneCall)]?.call.bus.emit(.sip, payload) }
                logger.warning("\(phoneCall): a MESSAGE in the call was refused with \(status): \(problem); the call goes on")
            case let .registration(registered, status, phrase):
                onRegistration?(registered, status, phrase)
            case .refused:
                break  // logged and counted by the user agent
            case let .error(message):
                logger.warning("SIP: \(message)")
            default:
                if let payload = event.callEventPayload, case let .incoming(phoneCall) = event {
                    logger.info("incoming call \(phoneCall): \(payload)")
                }
            }
        }
    }

    /// Ends every call in progress, and from now on hangs up calls that connect and ends calls still
    /// starting as soon as they have started: the agent says `farewell` (nil or empty: no goodbye), then hangs up
    /// (BYE) and the recording is closed with its call-ended record. Returns when every call's session
    /// has finished, or at `deadline` seconds, whichever is first (calls still up are then hung up at
    /// once). True when every call ended in time.
    @discardableResult
    public func drain(farewell: String?, reason: String, deadline: Double) async -> Bool {
        farewellOnStop.withLock { $0 = (farewell, reason) }
        stopping.withLock { $0 = true }
        for served in calls.value.values { served.call.session.send(.endCall(farewell: farewell, reason: reason)) }
        let finished = await waitForCalls(deadline: deadline)
        if !finished {
            for served in calls.withLock({ c in defer { c.removeAll() }; return Array(c.values) }) {
                served.call.session.send(.hangUp)
                served.phoneCall.hangUp()
            }
        }
        return finished
    }

    /// Waits until every call in progress (and every call still starting) has ended, at most `deadline`
    /// seconds; true when they all did. Polls: a call's task cannot be cancelled into ending sooner.
    public func waitForCalls(deadline: Double) async -> Bool {
        let end = ContinuousClock.now + .milliseconds(Int(max(0, deadline) * 1000))
        while ContinuousClock.now < end {
            if running.value.isEmpty && starting.value == 0 { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return running.value.isEmpty && starting.value == 0
    }

    /// A recording folder holding only the events of a call that ended before its agent started (`recordFailed`).
    private func recordEarlyEnd(_ phoneCall: PhoneCall, codec: MediaCodec, reason: String) {
        guard let recordRoot else { return }
        let callID = String(UUID().uuidString.prefix(8)).lowercased()
        let folder = recordRoot.appendingPathComponent(CallRecorder.folderName(agent: agentDirectory.lastPathComponent, callID: callID))
        do {
            // No agent policy is loaded yet: every kind of personal data is redacted.
            let redactor = Redactor()
            let recorder = try CallRecorder(directory: folder, rate: phone.configuration.rate,
                                            meta: ["callID": callID, "outcome": "ended before the agent started"], redact: { redactor.redact($0) })
            recorder.observe(CallEvent(callID: callID, turn: 0, time: .zero, stage: .sip, payload: .sipState(.connected(codec: codec.encodingName, peer: "\(phoneCall)"))))
            recorder.observe(CallEvent(callID: callID, turn: 0, time: .zero, stage: .sip, payload: .sipState(.ended(reason: reason))))
            recorder.observe(CallEvent(callID: callID, turn: 0, time: .zero, stage: .session, payload: .callEnded(reason: reason)))
            recorder.close()
        } catch {
            logger.warning("cannot record the failed call \(phoneCall) in \(folder.path): \(error)")
        }
    }

    private func start(_ phoneCall: PhoneCall, codec: MediaCodec) async {
        let callID = String(UUID().uuidString.prefix(8)).lowercased()
        let record = recordRoot.map { $0.appendingPathComponent(CallRecorder.folderName(agent: agentDirectory.lastPathComponent, callID: callID)) }
        var options = EmbeddedCall.Options(agentDirectory: agentDirectory, callID: callID, clock: MonotonicClock(), realtime: true,
                                           rate: phone.configuration.rate, databaseURL: databaseURL, recordDirectory: record,
                                           approvalMode: approvalMode)
        let media = phoneCall.media
        // G.711 is telephone band: the recogniser restores the missing top octave before decoding.
        let narrowband = codec.isNarrowband
        let recognizer = try? await recognizers.checkOut(agent: agentDirectory, narrowband: narrowband)
        options.recognizer = recognizer
        options.stt = stt
        options.endOfTurnModel = endOfTurnModel
        options.holdOnHandoff = (operatorSetup?.holdOnHandoff ?? false) || CallTransfers.holdsOnHandoff(agentDirectory: agentDirectory)
        do {
            let line = CallAudioLine(media: media)
            let call = try await EmbeddedCall.make(options, audio: .init(caller: { _ in line.source }, farEnd: line.sink,
                                                                         monitor: operatorSetup?.monitor(callID),
                                                                         operatorMicrophone: operatorSetup?.microphone(callID)))
            let served = ServedCall(phoneCall: phoneCall, call: call)
            calls.withLock { $0[ObjectIdentifier(phoneCall)] = served }
            call.bus.emit(.sip, .sipState(.connected(codec: codec.encodingName, peer: "\(phoneCall)")))
            transfers.watch(served, line: line)
            onCall(served)
            // Started while serve began to stop: it ends at once, with the goodbye the others hear.
            if stopping.value {
                let (farewell, reason) = farewellOnStop.value
                call.session.send(.endCall(farewell: farewell, reason: reason))
            }
            let key = ObjectIdentifier(phoneCall)
            let pool = recognizers, agentDirectory = self.agentDirectory, running = self.running, keep = maximumIdleRecognizers
            // Stored under the lock it is created in, so its own removal at the end cannot come first.
            running.withLock { $0[key] = Task {
                // Call quality every two seconds while the call lasts.
                let stats = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: 2_000_000_000)
                        for payload in media.statisticsPayloads() { call.bus.emit(.rtp, payload) }
                    }
                }
                let reason = await call.session.run(callerID: phoneCall.description, transport: "sip \(codec.encodingName)")
                stats.cancel()
                if calls.withLock({ $0.removeValue(forKey: ObjectIdentifier(phoneCall)) }) != nil { phoneCall.hangUp() }
                // A caller gone silent is a problem worth seeing at the default log level (BYE has been sent).
                logger.log(level: media.peerTimedOut ? .warning : .info, "call \(callID) ended: \(reason)")
                if let recognizer { await pool.checkIn(recognizer, agent: agentDirectory, narrowband: narrowband, keepAtMost: keep) }
                running.withLock { _ = $0.removeValue(forKey: key) }
            } }
        } catch {
            logger.error("cannot start the agent for \(phoneCall): \(error)")
            if let recognizer { await recognizers.checkIn(recognizer, agent: agentDirectory, narrowband: narrowband, keepAtMost: maximumIdleRecognizers) }
            phoneCall.hangUp()
        }
    }
}
