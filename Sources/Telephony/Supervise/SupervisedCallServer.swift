import Audio
import Foundation
import Logging
import RingsideCore
import Session
import Speech

/// `ringside supervise`: a back-to-back user agent between callers and one remote voice agent.
///
/// Each inbound call rings (180) while the agent is called from a second phone; when the agent
/// answers, the caller is answered and the two legs' audio is bridged (each leg has its own codec;
/// both run at the same rate, so PCMU on one and Opus on the other just works). DTMF from the caller
/// is passed on as RFC 4733. A busy, failing or silent agent leg gives the caller a final failure
/// response instead (`AgentLegFailure`: 486, 603, 404, 480 or 502, the phrase saying why) within
/// `answerTimeout`. Once bridged, a BYE on either leg ends the other. Every bridged call is watched
/// by a `SupervisedCall` (both sides transcribed, per-turn voice-to-voice, recording).
///
/// A takeover puts the agent's leg on hold (re-INVITE `a=sendonly`), gives the caller the operator's
/// voice instead and the operator's speaker the caller; handing back resumes the agent's leg.
public final class SupervisedCallServer: @unchecked Sendable {
    public struct Options: Sendable {
        /// The remote agent, e.g. `sip:agent@127.0.0.1:5062`.
        public var agentURI: String
        /// How long the agent may take to answer before the caller is told (480).
        public var answerTimeout: Double
        /// Record each call in a folder under here; nil records nothing.
        public var recordRoot: URL?
        public var stt: RecognizerEngine?
        /// The operator's voice for a takeover of the call with this id (nil: the caller hears silence).
        public var operatorVoice: @Sendable (String) -> (any AudioSource)?
        /// Where the operator hears the caller of the call taken over (switched to it for the takeover); nil: nowhere.
        public var operatorSpeaker: MonitorSwitch?
        /// The voice the operator's typed lines are spoken in (flite).
        public var operatorTTSVoice: String = "awb"
        /// Called instead when the agent's leg does not connect (busy, no answer, error); nil: the caller is told.
        public var fallbackURI: String?
        /// At each handback the takeover's context (`HandbackContext.json`) is POSTed here too.
        public var handbackWebhook: String?

        public init(agentURI: String, answerTimeout: Double = 20, recordRoot: URL? = nil, stt: RecognizerEngine? = nil,
                    operatorVoice: @escaping @Sendable (String) -> (any AudioSource)? = { _ in nil }, operatorSpeaker: MonitorSwitch? = nil,
                    handbackWebhook: String? = nil, fallbackURI: String? = nil) {
            self.operatorSpeaker = operatorSpeaker
            self.fallbackURI = fallbackURI
            self.agentURI = agentURI
            self.answerTimeout = answerTimeout
            self.recordRoot = recordRoot
            self.stt = stt
            self.operatorVoice = operatorVoice
            self.handbackWebhook = handbackWebhook
        }
    }

    /// Takes the calls (`autoAnswer` off: the caller rings until the agent answers).
    public let callerPhone: SIPPhone
    /// Calls the agent.
    public let agentPhone: SIPPhone
    public let options: Options
    /// Sees each call once it is watched (its `watcher` set): to log it, show it, or drive it in tests.
    public var onCall: @Sendable (SupervisedLeg) -> Void = { _ in }
    /// Set before `run()` to hear the registrar's answers (`--account`): registered, status, phrase.
    public var onRegistration: (@Sendable (Bool, Int, String) -> Void)?
    private let legs = LockedValue<[ObjectIdentifier: SupervisedLeg]>([:])
    private let all = LockedValue<[String: SupervisedLeg]>([:])
    private let running = LockedValue<[String: Task<Void, Never>]>([:])
    private let stopping = LockedValue(false)
    private let logger = Logger(label: "ringside.supervise")
    /// Both sides' recognisers, kept between calls.
    private let recognizers = RecognizerPool()

    public init(callerPhone: SIPPhone, agentPhone: SIPPhone, options: Options) {
        self.callerPhone = callerPhone
        self.agentPhone = agentPhone
        self.options = options
    }

    /// Calls in progress (ringing or bridged), oldest first.
    public var calls: [SupervisedLeg] { all.value.values.sorted { $0.began < $1.began } }

    /// Handles both phones' events until both streams end (`shutdown`).
    public func run() async {
        let (merged, sink) = AsyncStream.makeStream(of: PhoneEvent.self, bufferingPolicy: .unbounded)
        let pumps = [callerPhone.events, agentPhone.events].map { stream in
            Task { for await event in stream { sink.yield(event) } }
        }
        Task {
            for pump in pumps { await pump.value }
            sink.finish()
        }
        for await event in merged { handle(event) }
    }

    private func leg(_ call: PhoneCall) -> SupervisedLeg? { legs.value[ObjectIdentifier(call)] }

    private func handle(_ event: PhoneEvent) {
        switch event {
        case let .incoming(caller):
            incoming(caller)
        case let .ringing(call, status):
            if let leg = leg(call), call === leg.agent { logger.info("call \(leg.id): the agent rings (\(status))") }
        case let .connected(call, codec):
            guard let leg = leg(call) else { break }
            if call === leg.agent { agentAnswered(leg) }
            leg.watcher?.bus.emit(.sip, .sipState(.connected(codec: codec.encodingName, peer: call === leg.agent ? "agent \(call.sip.remoteURI)" : "caller \(call)")))
        case let .ended(call, reason):
            guard let leg = leg(call) else { break }
            ended(leg, side: call === leg.agent ? .agent : .caller, reason: reason)
        case let .dtmf(call, digit):
            guard let leg = leg(call), call === leg.caller, leg.stage == .bridged else { break }
            leg.agent.sendDTMF(digit)
            leg.watcher?.bus.emit(.sip, .dtmf(digit: String(digit)))
        case let .mediaChanged(call, direction):
            guard let leg = leg(call), let payload = event.callEventPayload else { break }
            leg.watcher?.bus.emit(.sip, payload)
            logger.info("call \(leg.id): \(call === leg.agent ? "agent" : "caller") leg media \(direction.rawValue)")
        case let .error(message):
            logger.warning("SIP: \(message)")
        case let .registration(registered, status, phrase):
            onRegistration?(registered, status, phrase)
        case let .transferProgress(call, status, phrase):
            guard let leg = leg(call), call === leg.caller else { break }
            transferProgressed(leg, status: status, phrase: phrase)
        case .refused, .transferred, .message, .messageRefused:  // a refused MESSAGE is logged by the user agent
            break
        }
    }

    private func incoming(_ caller: PhoneCall) {
        if stopping.value {
            try? callerPhone.agent.reject(caller.sip, status: 503, phrase: "Service Unavailable")
            return
        }
        let agent: PhoneCall
        do {
            agent = try agentPhone.dial(options.agentURI)
        } catch {
            let failure = AgentLegFailure.ended(reason: "\(error)")
            logger.warning("cannot call the agent \(options.agentURI) for \(caller): \(error)")
            try? callerPhone.agent.reject(caller.sip, status: failure.status, phrase: failure.phrase)
            return
        }
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let leg = SupervisedLeg(id: id, caller: caller, agent: agent, agentURI: options.agentURI)
        legs.withLock {
            $0[ObjectIdentifier(caller)] = leg
            $0[ObjectIdentifier(agent)] = leg
        }
        all.withLock { $0[id] = leg }
        logger.info("call \(id): \(caller) rings; calling the agent \(options.agentURI)")
        // The watcher loads while the agent is called (its recognisers take a moment).
        let options = self.options
        running.withLock { $0[id] = Task { [self] in
            let folder = options.recordRoot.map { $0.appendingPathComponent(CallRecorder.folderName(agent: "supervised", callID: id)) }
            do {
                let watcher = try await SupervisedCall.make(callID: id, recordDirectory: folder, stt: options.stt,
                                                            meta: ["agentURI": options.agentURI], pool: recognizers)
                leg.attach(watcher)
                if leg.stage == .bridged { leg.tuneEars() }  // bridged before the watcher was ready
                // Weakly: the bus keeps its observers, and the leg keeps the watcher (a cycle would keep
                // both legs' sockets and both recognisers of every call ever supervised).
                watcher.bus.observe(name: "handback") { [weak leg] in leg?.noteDuringTakeover($0) }
                watcher.bus.emit(.sip, .sipState(.incoming))
                onCall(leg)
                switch leg.stage {
                case .dialing: break
                case .bridged: watcher.bus.emit(.sip, .sipState(.bridged(to: leg.agentURI)))  // bridged before the watcher was ready
                case let .ended(reason): watcher.end(reason: reason)
                }
                let stats = Task {
                    // Both legs' quality every two seconds: what the caller's line and the agent's are like.
                    while !Task.isCancelled {
                        try? await Task.sleep(nanoseconds: 2_000_000_000)
                        guard leg.stage == .bridged else { continue }
                        for payload in leg.caller.media.statisticsPayloads(leg: "caller") { watcher.bus.emit(.rtp, payload) }
                        if !leg.agentDropped {
                            for payload in leg.agent.media.statisticsPayloads(leg: "agent") { watcher.bus.emit(.rtp, payload) }
                        }
                        // A leg whose far end went silent past --rtp-timeout (not on hold) ends the call.
                        if let side = leg.caller.media.peerTimedOut ? Side.caller : !leg.agentDropped && leg.agent.media.peerTimedOut ? Side.agent : nil {
                            (side == .caller ? leg.caller : leg.agent).hangUp()
                            ended(leg, side: side, reason: "no RTP", why: side == .caller ? "no RTP from the caller" : "no RTP from the agent")
                        }
                    }
                }
                let reason = await watcher.run(transport: "sip \(options.agentURI)")
                stats.cancel()
                logger.info("call \(id) ended: \(reason)")
            } catch {
                logger.error("call \(id): cannot watch the call (no transcripts or recording): \(error)")
            }
            running.withLock { _ = $0.removeValue(forKey: id) }
        } }
        awaitAnswer(leg, from: agent)
    }

    /// A silent agent: the caller hears why (or the fallback is called) within the timeout. The wait
    /// holds the call weakly: a call that ended sooner is not kept (with both legs' RTP sockets) until
    /// the timeout runs out.
    private func awaitAnswer(_ leg: SupervisedLeg, from agent: PhoneCall) {
        let timeout = options.answerTimeout
        Task { [self, weak leg, weak agent] in
            try? await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1e9))
            guard let leg, let agent, leg.stage == .dialing, leg.agent === agent else { return }
            fail(leg, AgentLegFailure.noAnswer(within: timeout))
        }
    }

    /// Calls the fallback agent instead of one that did not connect (once); false when there is none
    /// to call, so the caller is to be told.
    private func fallBack(_ leg: SupervisedLeg, after failure: AgentLegFailure) -> Bool {
        guard let fallback = options.fallbackURI, leg.agentURI != fallback, leg.stage == .dialing else { return false }
        let next: PhoneCall
        do {
            next = try agentPhone.dial(fallback)
        } catch {
            logger.warning("call \(leg.id): cannot call the fallback \(fallback): \(error)")
            return false
        }
        guard let failed = leg.replaceAgent(with: next, uri: fallback) else { next.hangUp(); return false }
        legs.withLock {
            $0.removeValue(forKey: ObjectIdentifier(failed))
            $0[ObjectIdentifier(next)] = leg
        }
        failed.hangUp()
        logger.notice("call \(leg.id): the agent did not connect (\(failure)); calling the fallback \(fallback)")
        leg.watcher?.bus.emit(.sip, .error("the agent did not connect (\(failure)); calling the fallback \(fallback)"))
        awaitAnswer(leg, from: next)
        return true
    }

    /// The agent leg did not connect: the caller gets `failure` as the final response; the agent leg is dropped.
    private func fail(_ leg: SupervisedLeg, _ failure: AgentLegFailure) {
        if fallBack(leg, after: failure) { return }
        guard leg.markEnded("the agent leg failed: \(failure)") else { return }
        logger.notice("call \(leg.id): the agent did not connect; the caller is told \(failure)")
        leg.agent.hangUp()
        try? callerPhone.agent.reject(leg.caller.sip, status: failure.status, phrase: failure.phrase)
        leg.caller.media.stop()
        leg.watcher?.bus.emit(.sip, .sipState(.ended(reason: "the agent leg failed; the caller was told \(failure)")))
        leg.watcher?.end(reason: "the agent did not connect (\(failure))")
        forget(leg)
    }

    private func agentAnswered(_ leg: SupervisedLeg) {
        guard leg.stage == .dialing else { return }  // a re-INVITE's answer, or too late
        do {
            try callerPhone.answer(leg.caller)
        } catch {
            logger.warning("call \(leg.id): cannot answer the caller: \(error)")
            if leg.markEnded("cannot answer the caller") { leg.agent.hangUp(); leg.caller.hangUp() }
            forget(leg)
            return
        }
        guard leg.markBridged() else { return }
        // The audio is joined at once, whether or not the watcher is ready: the caller never waits for it.
        leg.bridge()
        leg.tuneEars()
        leg.watcher?.bus.emit(.sip, .sipState(.bridged(to: leg.agentURI)))
        logger.info("call \(leg.id): bridged to \(leg.agentURI)")
    }

    private enum Side { case caller, agent }

    private func ended(_ leg: SupervisedLeg, side: Side, reason: String, why: String? = nil) {
        switch leg.stage {
        case .dialing:
            if side == .agent {
                fail(leg, AgentLegFailure.ended(reason: reason))
            } else if leg.markEnded("the caller hung up before the agent answered") {
                leg.agent.hangUp()  // CANCEL
                leg.watcher?.end(reason: "the caller hung up before the agent answered (\(reason))")
                forget(leg)
            }
        case .bridged where side == .agent && leg.agentDropped:
            logger.info("call \(leg.id): the agent leg is over (\(reason)); the caller stays with the operator")
        case .bridged:
            let why = why ?? (side == .agent ? "the agent hung up" : "the caller hung up")
            guard leg.markEnded(why) else { return }
            (side == .agent ? leg.caller : leg.agent).hangUp()
            leg.watcher?.bus.emit(.sip, .sipState(.ended(reason: "\(why) (\(reason))")))
            leg.watcher?.end(reason: why)
            logger.info("call \(leg.id): \(why); the other leg was hung up")
            forget(leg)
        case .ended:
            forget(leg)
        }
    }

    /// The operator's speaker goes quiet if it was on call `id` (handed back or over).
    private func stopListening(to id: String) {
        if let speaker = options.operatorSpeaker, speaker.current == id { speaker.listen(to: nil) }
    }

    private func forget(_ leg: SupervisedLeg) {
        stopListening(to: leg.id)
        legs.withLock {
            $0.removeValue(forKey: ObjectIdentifier(leg.caller))
            $0.removeValue(forKey: ObjectIdentifier(leg.agent))
        }
        all.withLock { _ = $0.removeValue(forKey: leg.id) }
    }

    // MARK: Takeover

    /// Takes call `id` over: the agent's leg is put on hold (re-INVITE `a=sendonly`) and the caller
    /// hears the operator's voice instead. False when there is no such bridged call or it already is.
    @discardableResult
    public func takeOver(_ id: String) -> Bool {
        guard let leg = all.value[id], leg.stage == .bridged, !leg.isTakenOver else { return false }
        let voice = options.operatorVoice(id)
        guard leg.route(takenOver: true, voice: voice, ear: options.operatorSpeaker?.tap(for: id)) != nil else { return false }
        options.operatorSpeaker?.listen(to: id)
        do {
            try agentPhone.hold(leg.agent)
        } catch {
            // The peer cannot be held: it is muted here instead (it hears nothing, the caller does not hear it).
            leg.watcher?.bus.emit(.sip, .error("cannot put the agent on hold (\(error)); it is muted instead"))
        }
        leg.watcher?.bus.emit(.session, .takeover(by: "operator"))
        logger.notice("call \(id) taken over; the agent leg is on hold")
        return true
    }

    /// Hands call `id` back to the agent: its leg is resumed (re-INVITE `a=sendrecv`), and what the
    /// caller and the operator said meanwhile is passed on: a SIP MESSAGE in the agent's dialog (when
    /// anything was said) and, if configured, a POST to the handback webhook.
    @discardableResult
    public func handBack(_ id: String) -> Bool {
        guard let leg = all.value[id], let context = leg.route(takenOver: false, voice: nil, ear: nil) else { return false }
        stopListening(to: id)
        do {
            try agentPhone.resume(leg.agent)
        } catch {
            leg.watcher?.bus.emit(.sip, .error("cannot resume the agent leg: \(error)"))
        }
        if !context.lines.isEmpty {
            do {
                try agentPhone.message(leg.agent, text: context.messageText)
            } catch {
                leg.watcher?.bus.emit(.sip, .error("cannot pass the context to the agent (MESSAGE): \(error)"))
            }
        }
        if let webhook = options.handbackWebhook {
            Task { [logger] in
                do {
                    try await context.post(to: webhook)
                } catch {
                    logger.warning("call \(id): \(error)")
                    leg.watcher?.bus.emit(.session, .error("\(error)"))
                }
            }
        }
        leg.watcher?.bus.emit(.session, .handback(context: context.text))
        logger.notice("call \(id) handed back to the agent\(leg.operatorVoiceGaps.map { " (\($0))" } ?? "")")
        return true
    }

    /// Speaks `text` (the operator's typed line) to the caller of call `id`, taken over, by TTS, and
    /// records it as the operator's turn. False when there is no such call or it is not taken over.
    @discardableResult
    public func say(_ id: String, text: String) -> Bool {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, let leg = all.value[id], leg.isTakenOver else { return false }
        let frames: [AudioFrame]
        do {
            frames = try FliteSynthesizer(voice: options.operatorTTSVoice).synthesize(text, rate: .hz16000).waitForAllFrames()
        } catch {
            leg.watcher?.bus.emit(.tts, .error("cannot speak the operator's line: \(error)"))
            return false
        }
        guard leg.speak(frames) else { return false }
        leg.watcher?.bus.emit(.session, .finalTranscript(speaker: .human, text: text, confidence: 1))
        return true
    }

    /// Hangs up the agent's leg of call `id`, taken over, for good: the caller stays with the operator
    /// (their voice, typed lines) until either hangs up. False when the call is not taken over.
    @discardableResult
    public func dropAgent(_ id: String) -> Bool {
        guard let leg = all.value[id], leg.dropAgent() else { return false }
        leg.watcher?.bus.emit(.session, .escalated(summary: "the operator hung up the agent's leg; the caller stays with the operator", target: "operator"))
        logger.notice("call \(id): the agent's leg was hung up; the operator keeps the caller")
        return true
    }

    /// Transfers the caller of call `id` to `uri` (a SIP REFER on the caller's leg, so the caller's phone
    /// calls `uri` itself and Ringside leaves the media path): once the target answers, both legs here
    /// are hung up; a failed transfer leaves the call as it was. False when there is no such bridged call.
    @discardableResult
    public func transfer(_ id: String, to uri: String) -> Bool {
        guard let leg = all.value[id], leg.stage == .bridged else { return false }
        do {
            try callerPhone.transfer(leg.caller, to: uri)
        } catch {
            leg.watcher?.bus.emit(.sip, .error("cannot transfer the caller to \(uri): \(error)"))
            return false
        }
        leg.watcher?.bus.emit(.sip, .sipState(.transferred(to: uri)))
        logger.notice("call \(id): the caller is transferred to \(uri)")
        return true
    }

    private func transferProgressed(_ leg: SupervisedLeg, status: Int, phrase: String) {
        leg.watcher?.bus.emit(.sip, .sipState(.transferProgress(status: status, phrase: phrase)))
        switch status {
        case 200..<300:
            let why = "the caller was transferred"
            guard leg.markEnded(why) else { return }
            leg.caller.hangUp()
            leg.agent.hangUp()
            leg.watcher?.end(reason: why)
            logger.info("call \(leg.id): \(why) (\(status) \(phrase)); both legs hung up")
            forget(leg)
        case 300...:
            leg.watcher?.bus.emit(.sip, .error("the transfer failed: \(status) \(phrase); the call goes on"))
        default:
            break
        }
    }

    /// Takes call `id` over, or hands it back if it is taken over.
    @discardableResult
    public func toggleTakeover(_ id: String) -> Bool {
        guard let leg = all.value[id] else { return false }
        return leg.isTakenOver ? handBack(id) : takeOver(id)
    }

    // MARK: Stopping

    /// Refuses new calls (503), hangs up every call in progress on both legs, and waits (at most
    /// `deadline` seconds) for their recordings to be closed; then shuts both phones down.
    public func shutdown(reason: String, deadline: Double = 3) async {
        stopping.withLock { $0 = true }
        callerPhone.agent.stopAccepting()
        for leg in calls {
            switch leg.stage {
            case .dialing: fail(leg, AgentLegFailure(status: 503, phrase: "Service Unavailable"))
            case .bridged:
                if leg.markEnded(reason) {
                    leg.caller.hangUp()
                    leg.agent.hangUp()
                    leg.watcher?.end(reason: reason)
                }
                forget(leg)
            case .ended: forget(leg)
            }
        }
        let end = ContinuousClock.now + .milliseconds(Int(max(0, deadline) * 1000))
        while !running.value.isEmpty, ContinuousClock.now < end { try? await Task.sleep(nanoseconds: 20_000_000) }
        await callerPhone.shutdown()
        await agentPhone.shutdown()
    }
}
