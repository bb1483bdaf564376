import Audio
import Foundation
import Logging
import RingsideCore
import Speech
import Synchronization

/// One call, in real time or virtual time: caller frames → VAD, turn detection and STT → the agent →
/// streaming TTS → the far end, with barge-in, an echo guard, tool announcements, human takeover and
/// recording. Everything that happens is published on `bus`.
///
/// The session moves in 20 ms ticks. Live sources (a microphone) pace it; otherwise the clock does:
/// a real clock sleeps to keep real time, a `VirtualClock` is advanced one frame per tick, and work
/// that takes wall time (recognition, the brain, synthesis) takes no call time.
public final class CallSession: @unchecked Sendable {
    public let configuration: SessionConfiguration
    public let bus: CallEventBus
    public var clock: any CallClock { bus.clock }

    private let source: any AudioSource
    /// What the caller hears (speaker in `talk`, RTP in `serve`, the simulated caller in `watch`).
    private let farEnd: any AudioSink
    /// What a watching operator hears: the caller and the agent mixed (`watch`, `serve`); nil in `talk`.
    private let monitor: (any AudioSink)?
    private let listener: SpeechListener
    private let agent: any CallAgent
    private let player: ReplyPlayer
    private let recorder: CallRecorder?
    private let operatorChannel: OperatorChannel?
    private let logger = Logger(label: "ringside.session")

    private let commands = LockedValue<[SessionCommand]>([])
    private let cleanups = LockedValue<[@Sendable () -> Void]>([])
    private let pendingTools = LockedValue<[String: MediaTime]>([:])

    // Loop state: touched only by the task running `run()`.
    private var muted = false
    private var inTakeover = false
    private var takeoverLines: [String] = []
    /// The caller turn the brain is working on (its reply not yet collected), and the last turn whose
    /// reply was collected: either may turn out to be a fragment the caller goes on from.
    private var thinking: TurnWork?
    private var lastAnswered: TurnWork?
    /// When the caller's current (or last) stretch of speech started.
    private var callerResumedAt: MediaTime?
    /// When the end of the caller's last turn was decided.
    private var turnEndedAt: MediaTime?
    /// The turn whose reply ends the call once heard.
    private var endingTurn: Int?
    private var queuedReply: (AgentReply, Int)?
    /// The agent's last reply asked for personal data.
    private var sensitiveAnswerAwaited = false
    private var announcedTurn = -1
    private var bargeInSuspected = false
    private var utteranceIsEcho = false
    /// The caller's last final came with words that could not be made out (`FinalSource.unclear`).
    private var lastFinalUnclear = false
    private var recentAgentRMS: [Double] = []
    private var hangUpReason: String?
    private var sourceFailure: String?
    /// The agent handed the caller to a human and the call is held for one (`holdOnHandoff`).
    private var awaitingHuman = false
    private var ticks = 0
    /// The reply being worked out at the caller's current pause, how many this pause has started, and
    /// how many were thrown away this turn because the caller went on.
    private var speculation: Speculation?
    private var speculationsThisPause = 0
    private var speculationsCancelled = 0
    private var lastTurn = 0
    private var callerLevel = AudioLevel(rms: 0, peak: 0)

    public init(configuration: SessionConfiguration, bus: CallEventBus, source: any AudioSource, farEnd: any AudioSink,
                monitor: (any AudioSink)? = nil, listener: SpeechListener, synthesizer: any SpeechSynthesizer,
                agent: any CallAgent, recorder: CallRecorder? = nil, operatorChannel: OperatorChannel? = nil) {
        self.configuration = configuration
        self.bus = bus
        self.source = source
        self.farEnd = farEnd
        self.monitor = monitor
        self.listener = listener
        self.agent = agent
        self.recorder = recorder
        self.operatorChannel = operatorChannel
        player = ReplyPlayer(synthesizer: synthesizer, rate: configuration.rate, bus: bus)
        // The recorder writes files: off the audio tick, on its own queue (drained before it is closed).
        if let recorder { bus.observe(name: "recorder", recorder.observe) }
        // The slow-tool announcement reads this on the next tick: kept in step with the call.
        let pendingTools = self.pendingTools
        bus.observeInline { event in
            switch event.payload {
            case let .toolStarted(t): pendingTools.withLock { $0[t.invocation] = event.time }
            case let .toolFinished(t), let .toolFailed(t, _): pendingTools.withLock { _ = $0.removeValue(forKey: t.invocation) }
            default: break
            }
        }
    }

    /// Asks the running call to do something; applied at the start of the next tick.
    public func send(_ command: SessionCommand) {
        commands.withLock { $0.append(command) }
    }

    /// Runs the call to its end and returns why it ended.
    @discardableResult
    public func run(callerID: String? = nil, transport: String = "embedded") async -> String {
        bus.emit(.session, .callStarted(agent: configuration.agentName, transport: transport))
        let greeting = await agent.greet(callerID: callerID)
        awaitSensitiveAnswer(greeting.asksForSensitive)
        listener.expect(greeting.expects)
        player.play(greeting, turn: 0)

        var reason = "caller hung up"
        var sourceEnded = false
        var drainDeadline = MediaTime.zero
        let pacedByClock = !source.isLive
        var nextTick = clock.now()
        loop: while true {
            if let r = await applyCommands() { reason = r; break }
            let now = clock.now()
            if now >= configuration.maximumDuration { reason = "maximum call duration reached"; break }
            var caller: AudioFrame?
            if !sourceEnded {
                do {
                    caller = try await source.nextFrameAsync()
                } catch {
                    bus.emit(.session, .error("caller audio failed: \(error)"))
                    // The source's own words are the call's end reason (e.g. "no RTP from the caller for 20 s").
                    sourceFailure = "\(error)"
                }
                if caller == nil {
                    sourceEnded = true
                    drainDeadline = now + configuration.drainTimeout
                    await flushListener()
                }
            }
            if sourceEnded {
                let idle = thinking == nil && !player.isActive && queuedReply == nil
                if idle { reason = hangUpReason ?? sourceFailure ?? "caller audio ended"; break }
                if now >= drainDeadline { reason = sourceFailure ?? "caller audio ended (agent still busy)"; break }
            }
            // A frame covering [T, T+20 ms] is complete at T+20 ms: the tick's work happens then.
            let frameStart = pacedByClock ? nextTick : (caller?.timestamp ?? clock.now() - AudioFrame.duration)
            if pacedByClock {
                nextTick = nextTick + AudioFrame.duration
                if let virtual = clock as? VirtualClock {
                    virtual.advance(to: nextTick)
                } else {
                    try? await clock.sleep(until: nextTick)
                }
            } else if sourceEnded, !(clock is VirtualClock) {
                // A live source that has ended paces nothing any more: while the agent finishes, real time does.
                try? await clock.sleep(for: AudioFrame.duration)
            }
            await tick(caller: caller, frameStart: frameStart)
            if let r = hangUpReason, thinking == nil, !player.isActive, queuedReply == nil { reason = r; break loop }
        }
        await finish(reason: reason)
        return reason
    }

    // MARK: - One tick

    private func tick(caller: AudioFrame?, frameStart: MediaTime) async {
        ticks += 1
        let now = frameStart + AudioFrame.duration
        var frame = caller.map { AudioFrame(rate: configuration.rate, samples: $0.samples, timestamp: frameStart) }
            ?? .silence(rate: configuration.rate, at: frameStart)
        if muted { frame = .silence(rate: configuration.rate, at: frameStart) }
        callerLevel = AudioLevel(frame: frame)

        do {
            for event in try await listener.process(frame) { await handleCallerSpeech(event) }
        } catch {
            bus.emit(.stt, .error("speech recognition failed: \(error)"))
        }
        if inTakeover, let op = operatorChannel {
            for text in await op.listen(at: frameStart) {
                takeoverLines.append("operator: \(text)")
                await agent.operatorSaid(text)
            }
        }
        await speculate(at: now)
        await collectBrain()
        announceSlowTool(now: now)

        var out: AudioFrame?
        if inTakeover, let op = operatorChannel {
            out = await op.nextOutputFrame(at: now, wait: !configuration.realtime)
        } else {
            out = await player.nextFrame(wait: !configuration.realtime)
            if out == nil, !player.isActive, let (reply, turn) = queuedReply {
                queuedReply = nil
                listener.expect(reply.expects)
                player.play(reply, turn: turn)
                out = await player.nextFrame(wait: !configuration.realtime)
            }
        }
        let agentFrame = out.map { AudioFrame(rate: configuration.rate, samples: $0.samples, timestamp: now) }
        if let agentFrame {
            do { try farEnd.write(agentFrame) } catch { bus.emit(.playout, .error("agent audio output failed: \(error)")) }
            if !inTakeover, player.notePlayed() {
                // A live loop that fell behind its frames' time (a tick waited for the recogniser's
                // final) hands this frame over now, not at the frame's time: the reply is heard from then.
                let handedOver = configuration.realtime ? max(now, clock.now()) : now
                bus.emit(.playout, .playoutStarted, at: handedOver + farEnd.outputDelay, turn: player.turn)
            }
        } else if farEnd.wantsContinuousAudio {
            try? farEnd.write(.silence(rate: configuration.rate, at: now))
        }
        if let monitor {
            let mixed = Self.mix(frame, agentFrame, rate: configuration.rate, at: now)
            try? monitor.write(mixed)
        }
        let agentLevel = agentFrame.map { AudioLevel(frame: $0) } ?? AudioLevel(rms: 0, peak: 0)
        recentAgentRMS.append(agentLevel.rms)
        if recentAgentRMS.count > 15 { recentAgentRMS.removeFirst() }
        recorder?.record(caller: frame, agent: agentFrame)
        if configuration.levelEveryTicks > 0, ticks % configuration.levelEveryTicks == 0 {
            bus.emit(.session, .level(speaker: .caller, rms: callerLevel.rms, peak: callerLevel.peak), at: now)
            bus.emit(.session, .level(speaker: .agent, rms: agentLevel.rms, peak: agentLevel.peak), at: now)
        }
    }

    /// Caller-side events from the listener: published, and acted on (barge-in, the brain).
    private func handleCallerSpeech(_ event: CallEvent) async {
        switch event.payload {
        case .speechStarted(.caller):
            callerResumedAt = event.time
            speculationsThisPause = 0
            if let s = speculation {
                // The caller goes on: what was worked out for the pause is dropped unheard.
                s.cancel()
                speculation = nil
                speculationsCancelled += 1
            }
            if player.isSpeaking {
                let agentRecent = recentAgentRMS.max() ?? 0
                if configuration.echoGuardRatio > 0, callerLevel.rms < configuration.echoGuardRatio * agentRecent {
                    utteranceIsEcho = true
                } else {
                    bargeInSuspected = true
                    player.pause(unplayed: farEnd.discardQueued())
                }
            }
            bus.publish(event)
        case let .finalTranscript(.caller, text, confidence):
            let speculated = speculation
            speculation = nil
            speculationsThisPause = 0
            // An answer to a question for personal data is secret in every form it is written, understood or not.
            if sensitiveAnswerAwaited, !text.isEmpty { bus.noteSecret(text) }
            bus.publish(event)
            if utteranceIsEcho {
                utteranceIsEcho = false
                speculated?.cancel()
                return
            }
            let spoken = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !spoken.isEmpty, !inTakeover, let fragment = fragmentContinued() {
                speculated?.cancel()
                speculationsCancelled = 0
                await join(fragment, rest: spoken, confidence: confidence, turn: event.turn)
                return
            }
            if bargeInSuspected {
                bargeInSuspected = false
                if spoken.isEmpty {
                    player.resume()
                    return
                }
                let replyText = player.reply.text
                let cutTurn = player.turn
                let heard = await player.stop()
                bus.emit(.session, .bargeIn(heardText: heard.heardText, heardFraction: heard.fraction), turn: cutTurn)
                // A goodbye the caller talks over is not the last word: the call goes on.
                if endingTurn == cutTurn, !awaitingHuman {
                    hangUpReason = nil
                    endingTurn = nil
                }
                await agent.bargedIn(reply: replyText, heardText: heard.heardText, fraction: heard.fraction)
            }
            guard !spoken.isEmpty, !inTakeover else {
                speculated?.cancel()
                speculationsCancelled = 0
                if inTakeover, !spoken.isEmpty {
                    takeoverLines.append("caller: \(spoken)")
                    startBrain(spoken, confidence: confidence, turn: event.turn, decidedAt: turnEndedAt)
                } else if spoken.isEmpty, !inTakeover, lastFinalUnclear, thinking == nil, !awaitingHuman, hangUpReason == nil {
                    // Speech nobody could make out is asked about again, never met with silence.
                    askAgain(turn: event.turn)
                }
                return
            }
            startBrain(spoken, confidence: confidence, turn: event.turn, decidedAt: turnEndedAt, speculated: speculated)
        case let .finalSource(source) where source.speaker == .caller:
            lastFinalUnclear = source.unclear == true
            bus.publish(event)
        case .endOfTurn:
            turnEndedAt = event.time
            bus.publish(event)
        default:
            bus.publish(event)
        }
    }

    private func flushListener() async {
        do {
            for event in try await listener.flush() { await handleCallerSpeech(event) }
        } catch {
            bus.emit(.stt, .error("speech recognition failed: \(error)"))
        }
    }

    // MARK: - The brain

    /// One caller turn being answered. The brain's work for it (tools, the reply) runs in its own task
    /// with its own result, so a reply is only ever played for the turn it was computed for.
    private final class TurnWork: @unchecked Sendable {
        let turn: Int
        /// The caller's words this turn answers (joined, when the caller went on after a pause).
        let text: String
        /// When the end of the caller's turn was decided.
        let decidedAt: MediaTime
        /// What was worked out for this turn at its last pause, if anything.
        let speculation: Speculation?
        private let work: PendingWork<TurnAnswer>

        init(turn: Int, text: String, decidedAt: MediaTime, speculation: Speculation? = nil,
             answer: @escaping @Sendable () async -> TurnAnswer) {
            self.turn = turn
            self.text = text
            self.decidedAt = decidedAt
            self.speculation = speculation
            // A cancelled turn's reply is never played: `PendingWork` drops it already.
            work = PendingWork(answer)
        }

        var isReady: Bool { work.isDone }
        var answer: TurnAnswer? { work.result }
        /// Called on the session's task only (it drops held audio).
        func cancel() {
            work.cancel()
            speculation?.cancel()
        }
        /// Waits for the brain to be done with this turn (cancelled or not).
        func settle() async { await work.settle() }
    }

    /// A turn's reply, and how speculation went for it.
    struct TurnAnswer: Sendable {
        var reply: AgentReply
        /// The reply is the one worked out at the pause (its first sentence may be held, synthesised).
        var adopted = false
        var speculation: SpeculationOutcome?
    }

    private func startBrain(_ text: String, confidence: Double, turn: Int, decidedAt: MediaTime? = nil, speculated: Speculation? = nil) {
        // A new turn supersedes one still being worked on; its reply will never be played.
        thinking?.cancel()
        lastTurn = max(lastTurn, turn)
        bus.setTurn(turn)
        let agent = self.agent
        let cancelled = speculationsCancelled
        speculationsCancelled = 0
        guard let s = speculated, s.turn == turn else {
            speculated?.cancel()
            // Every pause of the turn was followed by more words: say so, or nothing happened to tell.
            let outcome = cancelled > 0 ? SpeculationOutcome(held: false, cancelled: cancelled, text: "", miss: "the caller went on after every pause") : nil
            thinking = TurnWork(turn: turn, text: text, decidedAt: decidedAt ?? clock.now()) {
                TurnAnswer(reply: await agent.answer(text, confidence: confidence), speculation: outcome)
            }
            return
        }
        let matches = s.matches(text)
        if !matches { s.cancel() }
        thinking = TurnWork(turn: turn, text: text, decidedAt: decidedAt ?? clock.now(), speculation: s) {
            // The agent finishes (or abandons) the speculation, its brain put back, before anything else.
            await s.settle()
            var miss = "the final words differ from those at the pause"
            if matches {
                if let r = s.reply {
                    if let why = r.unusable {
                        miss = why
                    } else if await agent.adopt(r) {
                        return TurnAnswer(reply: r.reply, adopted: true, speculation: SpeculationOutcome(held: true, cancelled: cancelled, text: s.text))
                    } else {
                        miss = "the agent had moved on since the pause"
                    }
                } else {
                    miss = "the agent cannot answer ahead"
                }
            }
            let reply = await agent.answer(text, confidence: confidence)
            return TurnAnswer(reply: reply, speculation: SpeculationOutcome(held: false, cancelled: cancelled, text: s.text, miss: miss))
        }
    }

    /// The caller said something that could not be made out: the agent asks again, as a turn of its own.
    private func askAgain(turn: Int) {
        lastTurn = max(lastTurn, turn)
        bus.setTurn(turn)
        let agent = self.agent
        thinking = TurnWork(turn: turn, text: "", decidedAt: turnEndedAt ?? clock.now()) {
            TurnAnswer(reply: await agent.unclear())
        }
    }

    /// At a pause of the caller's turn (`speculationPause` of silence, before the end of the turn is
    /// decided), asks the agent for its reply to the words so far; once it is ready, synthesises its
    /// first sentence and holds it. A better transcript arriving in the same pause (Whisper's) starts
    /// it once more. Only when nothing else is going on: no reply pending or playing, no barge-in,
    /// no takeover, no fragment about to be joined.
    private func speculate(at now: MediaTime) async {
        guard configuration.speculate else { return }
        if let s = speculation {
            await settle(s)
            if s.held == nil, let r = s.reply, r.unusable == nil { s.held = player.prepare(r.reply) }
        }
        guard speculationsThisPause < 2, listener.endpoint.inTurn, let silence = listener.endpoint.silence(at: now),
              silence >= configuration.speculationPause, thinking == nil, !player.isActive, queuedReply == nil, !inTakeover,
              !bargeInSuspected, !utteranceIsEcho, !awaitingHuman, hangUpReason == nil, fragmentContinued() == nil else { return }
        let text = await listener.pauseTranscript().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        if let s = speculation {
            guard !s.matches(text) else { return }
            s.cancel()
        }
        speculationsThisPause += 1
        let s = Speculation(turn: listener.turn, text: text, confidence: 1, agent: agent)
        speculation = s
        await settle(s)
        if s.held == nil, let r = s.reply, r.unusable == nil { s.held = player.prepare(r.reply) }
    }

    /// In virtual time, lets a speculation get as far as it can without time moving (as `settleBrain`).
    private func settle(_ s: Speculation) async {
        await settleInVirtualTime { s.isDone }
    }

    /// The turn the caller's new words continue, if they do: one the brain is still answering, or one
    /// whose reply began no more than `fragmentJoinWindow` before the caller started talking again.
    private func fragmentContinued() -> TurnWork? {
        // Asking again after unclear words is no fragment: the new words are a turn of their own.
        if let thinking { return thinking.text.isEmpty ? nil : thinking }
        guard let last = lastAnswered, !last.text.isEmpty, let resumed = callerResumedAt, resumed >= last.decidedAt,
              resumed - last.decidedAt <= configuration.fragmentJoinWindow else { return nil }
        return last
    }

    /// The caller went on after `fragment`: withdraw whatever the agent was saying or about to say to
    /// it and answer both pieces as one turn.
    private func join(_ fragment: TurnWork, rest: String, confidence: Double, turn: Int) async {
        fragment.cancel()
        thinking = nil
        if let (_, t) = queuedReply, t == fragment.turn { queuedReply = nil }
        var replyStarted = false
        if player.isActive, player.turn == fragment.turn {
            replyStarted = player.heardSoFar().fraction > 0
            _ = await player.stop()
        }
        bargeInSuspected = false
        if endingTurn == fragment.turn {
            hangUpReason = nil
            endingTurn = nil
            awaitingHuman = false
        }
        bus.emit(.session, .fragmentJoined(fragment: fragment.text, replyStarted: replyStarted), turn: fragment.turn)
        if inTakeover { takeoverLines.append("caller: \(rest)") }
        lastTurn = max(lastTurn, turn)
        bus.setTurn(turn)
        let agent = self.agent
        let whole = fragment.text + " " + rest
        let heardReply = replyStarted
        thinking = TurnWork(turn: turn, text: whole, decidedAt: turnEndedAt ?? clock.now()) {
            // The brain finishes (or abandons) the fragment before it is taken back.
            await fragment.settle()
            return TurnAnswer(reply: await agent.answer(continuing: fragment.text, with: rest, confidence: confidence, heardFragmentReply: heardReply))
        }
    }

    /// While the caller is talking again soon after a turn's end was decided, its reply waits: the
    /// caller may be going on, and then the reply is withdrawn unheard.
    private func holdsForCaller(_ work: TurnWork) -> Bool {
        guard listener.endpoint.inTurn, let resumed = callerResumedAt, resumed >= work.decidedAt else { return false }
        return resumed - work.decidedAt <= configuration.fragmentJoinWindow
    }

    /// Picks up the brain's reply. In virtual time, waits for it unless it is itself waiting on the
    /// clock (an approval timeout, a slow tool), which only advancing time can release.
    private func collectBrain() async {
        guard let work = thinking else { return }
        await settleBrain()
        guard work.isReady, !holdsForCaller(work) else { return }
        guard let answer = work.answer else { return }
        thinking = nil
        lastAnswered = work
        let reply = answer.reply
        if let outcome = answer.speculation { bus.emit(.session, .speculation(outcome), turn: work.turn) }
        let held = answer.adopted ? work.speculation?.held : nil
        work.speculation?.held = nil
        work.speculation?.cancel()
        awaitSensitiveAnswer(reply.asksForSensitive)
        noteEnding(reply, turn: work.turn)
        if player.isActive && announcedTurn == work.turn {
            held?.cancel()
            queuedReply = (reply, work.turn)  // let the filler finish first
        } else {
            listener.expect(reply.expects)
            player.play(reply, turn: work.turn, held: held)
        }
    }

    /// The caller's next words answer a question for personal data (or no longer do).
    private func awaitSensitiveAnswer(_ on: Bool) {
        sensitiveAnswerAwaited = on
        bus.redactCallerSpeech(on)
    }

    /// A reply that ends the call ends it once heard, unless it hands the caller to a human while the
    /// session holds for one: then the caller waits on hold for the operator's takeover.
    private func noteEnding(_ reply: AgentReply, turn: Int) {
        guard reply.endsCall else { return }
        endingTurn = turn
        if reply.isHandoff && configuration.holdOnHandoff {
            awaitingHuman = true
            return
        }
        hangUpReason = reply.endReason ?? "the agent ended the call"
    }

    /// In virtual time, lets a running brain get as far as it can without time moving: until it has
    /// answered or waits on the clock. What it does meanwhile is then stamped at this instant, the same
    /// on every run, rather than whenever the thread pool happened to run it.
    private func settleBrain() async {
        guard let work = thinking else { return }
        await settleInVirtualTime { work.isReady }
    }

    /// Waits (virtual time only) until `done`, or until the work waits on the clock, which only
    /// advancing time can release; then lets other work (a decision, a timer) run meanwhile.
    private func settleInVirtualTime(until done: () -> Bool) async {
        guard !configuration.realtime else { return }
        let virtual = clock as? VirtualClock
        while !done() {
            if let virtual, virtual.sleeperCount > 0 {
                await Task.yield()
                return
            }
            try? await Task.sleep(nanoseconds: 100_000)
        }
    }

    private func announceSlowTool(now: MediaTime) {
        guard let work = thinking, !player.isActive, announcedTurn != work.turn, !inTakeover else { return }
        guard let oldest = pendingTools.withLock({ $0.values.min() }), now - oldest >= configuration.toolAnnouncementAfter else { return }
        announcedTurn = work.turn
        player.play(AgentReply(sentences: [configuration.toolAnnouncement]), turn: work.turn)
    }

    private func dropSpeculation() {
        speculation?.cancel()
        speculation = nil
        speculationsCancelled = 0
    }

    // MARK: - Commands

    /// The agent picks the conversation up where the human left it: `handBack` gives its reply, if any.
    private func resume(_ handBack: (any CallAgent) async -> AgentReply?) async {
        let turn = max(lastTurn, listener.turn)
        bus.setTurn(turn)
        if let reply = await handBack(agent) {
            awaitSensitiveAnswer(reply.asksForSensitive)
            noteEnding(reply, turn: turn)
            listener.expect(reply.expects)
            player.play(reply, turn: turn)
        }
    }

    /// Applies queued commands; returns a reason when one ends the call.
    private func applyCommands() async -> String? {
        let pending = commands.withLock { c -> [SessionCommand] in defer { c = [] }; return c }
        for command in pending {
            switch command {
            case let .takeOver(name):
                guard !inTakeover else { continue }
                inTakeover = true
                awaitingHuman = false
                takeoverLines = []
                dropSpeculation()
                // The agent stops talking at once; the caller heard what was already played.
                let dropped = farEnd.discardQueued()
                if player.isActive {
                    player.pause(unplayed: dropped)
                    _ = await player.stop()
                }
                let agent = self.agent
                Task { await agent.takeOver(by: name) }
                operatorChannel?.begin()
            case .handBack:
                guard inTakeover else { continue }
                inTakeover = false
                operatorChannel?.end()
                let context = takeoverLines.joined(separator: "\n")
                if player.phase == .paused { _ = await player.stop() }
                await resume { await $0.handBack(context: context) }
            case let .handedBack(context):
                // Taken over in front of this call: nothing here was paused, and the human's lines are news to the agent.
                guard !inTakeover else { continue }
                await resume { await $0.handedBack(relayed: context) }
            case let .contextPassedOn(context):
                await agent.noteContext(relayed: context)
            case let .setMuted(m): muted = m
            case .toggleMute: muted.toggle()
            case let .approve(id):
                // Awaited, not fired off: the decision takes effect in this tick, so in virtual time the
                // waiting tool resumes at once instead of when its timeout would have run out.
                await agent.decide(approval: id, approved: true, by: "operator")
                await settleBrain()
            case let .deny(id):
                await agent.decide(approval: id, approved: false, by: "operator")
                await settleBrain()
            case let .typed(text):
                if inTakeover, let op = operatorChannel {
                    takeoverLines.append("operator: \(text)")
                    bus.emit(.stt, .finalTranscript(speaker: .human, text: text, confidence: 1))
                    op.speak(text)
                    let agent = self.agent
                    Task { await agent.operatorSaid(text) }
                } else {
                    let turn = max(lastTurn, listener.turn) + 1
                    bus.emit(.stt, .finalTranscript(speaker: .caller, text: text, confidence: 1), turn: turn)
                    dropSpeculation()
                    startBrain(text, confidence: 1, turn: turn)
                }
            case .hangUp:
                return "hung up by the user"
            case let .endCall(farewell, reason):
                // Nothing the agent was about to say still matters; the goodbye is the last word.
                thinking?.cancel()
                thinking = nil
                queuedReply = nil
                awaitingHuman = false
                dropSpeculation()
                if inTakeover {
                    inTakeover = false
                    operatorChannel?.end()
                }
                if player.isActive { _ = await player.stop() }
                guard let farewell, !farewell.isEmpty else { return reason }
                hangUpReason = reason
                player.play(AgentReply(sentences: [farewell], endsCall: true, endReason: reason), turn: max(lastTurn, listener.turn))
            }
        }
        return nil
    }

    private func finish(reason: String) async {
        if player.isActive { _ = await player.stop() }
        thinking?.cancel()
        dropSpeculation()
        await agent.end(reason: reason)
        bus.emit(.session, .callEnded(reason: reason))
        bus.finish()
        // Every observer has had every event (the recording holds them all) before `run` returns.
        await bus.drain()
        recorder?.close()
        try? farEnd.close()
        try? monitor?.close()
        operatorChannel?.close()
        for cleanup in cleanups.withLock({ c -> [@Sendable () -> Void] in defer { c = [] }; return c }) { cleanup() }
    }

    /// Runs `body` once the call has ended and everything is closed (a call's temporary files).
    public func whenFinished(_ body: @escaping @Sendable () -> Void) {
        cleanups.withLock { $0.append(body) }
    }

    static func mix(_ a: AudioFrame, _ b: AudioFrame?, rate: SampleRate, at time: MediaTime) -> AudioFrame {
        guard let b else { return AudioFrame(rate: rate, samples: a.samples, timestamp: time) }
        let samples = zip(a.samples, b.samples).map { Int16(clamping: Int($0) + Int($1)) }
        return AudioFrame(rate: rate, samples: samples, timestamp: time)
    }
}
