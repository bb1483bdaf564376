import Foundation
import RingsideCore

/// The embedded brain: recognises intents from example phrases, fills slots over several turns,
/// confirms before writes, calls tools through the tool layer, and hands over to a human when
/// asked or after repeated misunderstandings. Deterministic: the same words give the same turn.
public actor IntentEngine: Brain {
    /// What the engine is waiting for from the caller.
    enum Pending: Equatable {
        case nothing
        case slot(String)
        case confirmation(Int)
        /// "Did you mean Aisha Khan?": the closest known value offered for a slot, and what was heard.
        case suggestion(slot: String, offered: SlotValue, heard: SlotValue)
        /// "Is that about order status?": a request that points to one intent, but not clearly
        /// enough to act on, offered back; `said` is the request, read again for slots on a yes.
        case intentOffer(intent: String, said: String)
    }

    /// A request whose best intent scores at least this (below the agent's threshold) is offered
    /// back as a question rather than called out of scope or not understood: measured on the
    /// classifier, a paraphrase of a real request ("is my order on its way", "my parcel hasn't
    /// turned up") scores 0.39–0.43 where the agents' thresholds are 0.45, and a request about
    /// nothing the agent does mostly scores nothing at all — the few that share a word and score
    /// as much are asked about, and a "no" costs the caller one turn, never a misunderstanding.
    static let intentOfferFloor = 0.35
    /// `declinedOffers` key for intents the caller said no to: never offered twice in a call.
    private static let declinedIntents = "(intent)"

    /// A flow step with its position and whether it came from a shared (`include`d) block.
    struct PlannedStep {
        var step: FlowStep
        var shared: Bool
    }

    private let agent: AgentDefinition
    private let tools: ToolLayer
    private let tracer: CallTracer
    private let today: CalendarDay
    private let classifier: IntentClassifier
    private let extractor: SlotExtractor

    private var callerID: String?
    private var activeIntent: String?
    private var steps: [PlannedStep] = []
    private var slots: [String: SlotValue] = [:]
    private var fillOrder: [String] = []
    private var bindings: [String: JSONValue] = [:]
    private var done: Set<Int> = []
    private var confirmed: Set<Int> = []
    private var pending: Pending = .nothing
    private var misunderstandings = 0
    /// Re-asks in a row, counted as misunderstandings or not: the second uses other words.
    private var reasks = 0
    /// Caller turns heard so far in the call.
    private var callerTurns = 0
    /// Answers in a row, per slot, that were close to no known value (a patient not on the list).
    private var unknownAnswers: [String: Int] = [:]
    /// Known values the caller said no to when offered, per slot: never offered twice.
    private var declinedOffers: [String: Set<String>] = [:]
    /// How many times each step's `retry` outcome has happened in this request, by step index.
    private var retries: [Int: Int] = [:]
    private var lastReply: [String] = []
    private var lastExpectation: RecognitionExpectation = .open
    private var actions: [String] = []
    private var escalated: Handoff?
    private var toolCallsThisTurn: [ToolCallTrace] = []
    /// Lines a human operator said during a takeover, kept as context for the handoff summary.
    private var operatorLines: [String] = []

    public init(agent: AgentDefinition, tools: ToolLayer, tracer: CallTracer, today: CalendarDay) {
        self.agent = agent
        self.tools = tools
        self.tracer = tracer
        self.today = today
        classifier = IntentClassifier(intents: agent.intents, timed: IntentClassifier.timedIntents(agent))
        extractor = SlotExtractor(today: today)
    }

    /// Everything the engine remembers of the call (not its tools' effects: a turn that wrote
    /// something is never rolled back, see `Conversation.revise`).
    struct State {
        var callerID: String?
        var activeIntent: String?
        var steps: [PlannedStep]
        var slots: [String: SlotValue]
        var fillOrder: [String]
        var bindings: [String: JSONValue]
        var done: Set<Int>
        var confirmed: Set<Int>
        var pending: Pending
        var misunderstandings: Int
        var reasks: Int
        var callerTurns: Int
        var unknownAnswers: [String: Int]
        var declinedOffers: [String: Set<String>]
        var retries: [Int: Int]
        var lastReply: [String]
        var lastExpectation: RecognitionExpectation
        var actions: [String]
        var escalated: Handoff?
        var operatorLines: [String]
    }

    public func checkpoint() async -> BrainCheckpoint? {
        BrainCheckpoint(State(callerID: callerID, activeIntent: activeIntent, steps: steps, slots: slots, fillOrder: fillOrder,
                              bindings: bindings, done: done, confirmed: confirmed, pending: pending, misunderstandings: misunderstandings, reasks: reasks, callerTurns: callerTurns, unknownAnswers: unknownAnswers, declinedOffers: declinedOffers, retries: retries,
                              lastReply: lastReply, lastExpectation: lastExpectation, actions: actions, escalated: escalated,
                              operatorLines: operatorLines))
    }

    public func restore(_ checkpoint: BrainCheckpoint) async {
        guard let s = checkpoint.state as? State else { return }
        callerID = s.callerID
        activeIntent = s.activeIntent
        steps = s.steps
        slots = s.slots
        fillOrder = s.fillOrder
        bindings = s.bindings
        done = s.done
        confirmed = s.confirmed
        pending = s.pending
        misunderstandings = s.misunderstandings
        reasks = s.reasks
        callerTurns = s.callerTurns
        unknownAnswers = s.unknownAnswers
        declinedOffers = s.declinedOffers
        retries = s.retries
        lastReply = s.lastReply
        lastExpectation = s.lastExpectation
        actions = s.actions
        escalated = s.escalated
        operatorLines = s.operatorLines
        toolCallsThisTurn = []
    }

    /// What the engine has done so far ("find_patient", "book_slot …"), for memory and handoffs.
    public var completedActions: [String] { actions }

    /// A change made on the call by another brain (the LLM, in the hybrid): it belongs in the
    /// handoff summary and caller memory as much as the engine's own.
    func recordAction(_ action: String) { actions.append(action) }

    /// Another brain (the LLM, in the hybrid) answered the caller's turn: a row of re-asks and of
    /// misunderstandings is over, as when the engine answers one itself.
    func answeredElsewhere() {
        reasks = 0
        misunderstandings = 0
    }

    /// The best intent for an utterance and its confidence, without acting on it (hybrid routing).
    public func classify(_ text: String) -> (intent: String?, confidence: Double) {
        guard let top = rank(text).first else { return (nil, 0) }
        return (top.intent, top.score)
    }

    /// True while a flow is mid-way (a slot asked, a confirmation pending): the engine should answer.
    public var isInFlow: Bool { activeIntent != nil && pending != .nothing }

    /// The engine is waiting for a slot the agent file marks `sensitive` (a date of birth): whatever
    /// the caller says next is personal data, understood or not.
    public var awaitsSensitiveAnswer: Bool {
        if case let .slot(name) = pending { return agent.slots[name]?.sensitive == true }
        return false
    }

    public func note(_ note: ContextNote) async {
        switch note {
        case .partiallyHeard(let reply, let heard):
            // The engine's context is its dialogue state, which the caller's next words answer either
            // way; what changes is "repeat that": it should replay what the caller did not hear.
            let unheard = SentenceSplitter.split(reply).filter { !heard.contains($0) }
            if !unheard.isEmpty { lastReply = unheard }
        case .operatorSaid(let line):
            operatorLines.append(line)
            absorbTakeoverLine(line, fromCaller: false)
        case .callerSaidToOperator(let line):
            absorbTakeoverLine(line, fromCaller: true)
        case .handedBack:
            escalated = nil
            misunderstandings = 0
        }
    }

    public func respond(to input: CallerInput) async -> BrainTurn {
        toolCallsThisTurn = []
        switch input {
        case .callStarted(let id):
            callerID = id
            let sentences = SentenceSplitter.split(agent.disclosure) + SentenceSplitter.split(agent.greeting)
            return finish(sentences, expects: .open, intent: nil, confidence: 1, path: AnswerPath(.intentEngine, reason: "greeting with disclosure"))
        case .utterance(let text, _):
            return await hear(text)
        }
    }

    // MARK: - One caller turn

    private func hear(_ text: String) async -> BrainTurn {
        if let handoff = escalated {
            return finish(["Please hold while I transfer you."], expects: .open, intent: handoff.intent, confidence: 1, path: AnswerPath(.intentEngine, reason: "already transferring"), handoff: handoff)
        }
        let ranking = rank(text)
        let top = ranking.first
        let words = SpokenText.tokens(text)
        callerTurns += 1

        if wantsHuman(words, top: top) {
            return await escalate(reason: "the caller asked for a human", say: [], confidence: top?.score ?? 1)
        }
        // "Say that again" is all a repeat request says: a question about something else ("what is the
        // weather like") shares its "what" but is not one.
        if let top, top.intent == IntentClassifier.repeatThat, top.score >= 0.5, words.count <= 6, classifier.strangerWords(text).isEmpty {
            let reply = lastReply.isEmpty ? SentenceSplitter.split(agent.greeting) : lastReply
            return finish(reply, expects: lastExpectation, intent: activeIntent, confidence: top.score, path: AnswerPath(.intentEngine, reason: "repeat requested (\(format(top.score)))"))
        }

        switch pending {
        case .suggestion(let slot, let offered, let heard):
            return await answerSuggestion(text, slot: slot, offered: offered, heard: heard, top: top)
        case .intentOffer(let intent, let said):
            return await answerIntentOffer(text, intent: intent, said: said)
        case .confirmation(let index):
            return await answerConfirmation(text, index: index, top: top)
        case .slot(let name):
            return await answerSlot(text, slot: name, top: top)
        case .nothing:
            if top?.intent == IntentClassifier.goodbye, let request = requestAfterGoodbye(words) {
                return await hear(request)
            }
            // "How are you today?" shares "today" with a goodbye; it is small talk, answered.
            if SmallTalk.isHowAreYou(words) {
                misunderstandings = 0
                let ask = SentenceSplitter.split(agent.greeting).last ?? "How can I help?"
                return finish(["I'm well, thank you.", ask], expects: .open, intent: nil, confidence: 1, path: AnswerPath(.intentEngine, reason: "small talk answered"))
            }
            // A goodbye as the caller's very first words, before they asked anything, is far more often a
            // greeting heard wrong ("hi there" as "bye there") than a caller leaving; ending the call
            // cannot be taken back, so it is greeted back: a caller who does mean it says so again.
            let goodbyeFirst = callerTurns == 1 && words.count <= 3
            if let top, isGoodbye(top, words: words, threshold: agent.policies.confidenceThreshold), !goodbyeFirst {
                return goodbye(confidence: top.score)
            }
            // "Hello", "hi there", "good morning": a greeting back and the question, not a misunderstanding.
            if SmallTalk.isGreeting(words) || goodbyeFirst && top.map({ isGoodbye($0, words: words, threshold: agent.policies.confidenceThreshold) }) == true {
                misunderstandings = 0
                let ask = SentenceSplitter.split(agent.greeting).last ?? "How can I help?"
                return finish(["Hello!", ask], expects: .open, intent: nil, confidence: 1, path: AnswerPath(.intentEngine, reason: "greeting answered"))
            }

            guard let top, !top.intent.hasPrefix("_"), top.score >= agent.policies.confidenceThreshold else {
                if let offer = offerIntent(text, words: words, top: top) { return offer }
                if let outOfScope = outOfScope(text, words: words, reask: ["What would you like to do?"]) { return outOfScope }
                return await notUnderstood(words, reason: top.map { "best intent \($0.intent) at \(format($0.score)) < \(format(agent.policies.confidenceThreshold))" } ?? "no intent matched")
            }
            start(intent: top.intent)
            fillOpportunistically(text, expectedSlot: nil)
            return await runFlow(prefix: [], confidence: top.score, why: "intent \(top.intent) at \(format(top.score)) ≥ \(format(agent.policies.confidenceThreshold))")
        }
    }

    /// Intents ranked for a caller's turn. A turn that names a day or a time asks for something done
    /// then: it is not a request for a human ("can I see someone on Thursday") nor for a repeat ("can I
    /// come in Thursday" is not "come again"), whatever words it shares with those phrases.
    private func rank(_ text: String) -> [IntentClassifier.Match] {
        let namesWhen = !SpokenDate.mentions(text, today: today).isEmpty || SpokenTime.parse(text, expected: false) != nil
        let ranking = classifier.rank(text, namesWhen: namesWhen)
        guard namesWhen else { return ranking }
        return ranking.filter { $0.intent != IntentClassifier.human && $0.intent != IntentClassifier.repeatThat }
    }

    /// The caller is leaving: the goodbye intent is clear, and the turn is not a question ("what's the
    /// weather like today" shares "today" with "that's it for today"), unless it says bye outright.
    private func isGoodbye(_ top: IntentClassifier.Match, words: [String], threshold: Double) -> Bool {
        guard top.intent == IntentClassifier.goodbye, top.score >= threshold else { return false }
        return !OutOfScope.isQuestionOrRequest(words) || words.contains { $0 == "bye" || $0 == "goodbye" }
    }

    /// "Bye, I'm calling about my order" (a misheard "hi" as often as not): the words after the last
    /// goodbye word when they make a request of their own — what the turn is about, since ending the
    /// call cannot be taken back.
    private func requestAfterGoodbye(_ words: [String]) -> String? {
        guard let last = words.lastIndex(where: { $0 == "bye" || $0 == "goodbye" }) else { return nil }
        let rest = Array(words[(last + 1)...])
        guard rest.count >= 3 else { return nil }
        let text = rest.joined(separator: " ")
        if OutOfScope.isQuestionOrRequest(rest) { return text }
        if let top = rank(text).first, !top.intent.hasPrefix("_"), top.score >= agent.policies.confidenceThreshold { return text }
        return nil
    }

    private func wantsHuman(_ words: [String], top: IntentClassifier.Match?) -> Bool {
        if let top, top.intent == IntentClassifier.human, top.score >= 0.5 { return true }
        let cues: Set<String> = ["human", "person", "operator", "representative", "receptionist", "somebody", "someone"]
        let verbs: Set<String> = ["speak", "talk", "transfer", "put", "connect", "get"]
        return words.contains { cues.contains($0) } && words.contains { verbs.contains($0) }
    }

    private func answerConfirmation(_ text: String, index: Int, top: IntentClassifier.Match?) async -> BrainTurn {
        if applyCorrections(text) {
            return await runFlow(prefix: ["Okay, let me correct that."], confidence: 1, why: "correction during confirmation")
        }
        guard let yes = YesNo.parse(text) else {
            if let switched = await switchIntentIfClear(text, top: top) { return switched }
            if let outOfScope = outOfScope(text, words: SpokenText.tokens(text), reask: [confirmationText(index)]) { return outOfScope }
            return await notUnderstood(SpokenText.tokens(text), reason: "expected yes or no")
        }
        misunderstandings = 0
        if yes {
            confirmed.insert(index)
            retries[index] = nil
            return await runFlow(prefix: [], confidence: 1, why: "caller confirmed")
        }
        // "No, the time is wrong": only that slot is asked again, the rest of the read-back stands.
        if let wrong = slotNamed(SpokenText.tokens(text), confirmation: index) {
            slots.removeValue(forKey: wrong)
            fillOrder.removeAll { $0 == wrong }
            invalidate(dependingOn: wrong)
            return await runFlow(prefix: ["Sorry about that."], confidence: 1, why: "caller said the \(wrong) was wrong")
        }
        let outcome = steps[index].step.ifNo ?? FlowOutcome(say: "Okay, I haven't changed anything.", then: .end)
        return await apply(outcome, at: index, prefix: [], confidence: 1, why: "caller declined the confirmation")
    }

    /// The one slot of a read-back that the caller's words name ("the time", "the day", "the name"):
    /// first among the slots the read-back says, then among those its looked-up records came from.
    private func slotNamed(_ words: [String], confirmation index: Int) -> String? {
        guard index < steps.count, case .confirm(let text) = steps[index].step.action else { return nil }
        let said = Set(words)
        let direct = Template.references(text)
        var behind = Set<String>()
        for planned in steps where planned.step.bindAs.map(direct.contains) == true {
            behind.formUnion(planned.step.arguments.values.flatMap(Template.references))
        }
        for candidates in [direct, behind] {
            let named = candidates.filter { name in
                guard let definition = agent.slots[name], slots[name] != nil else { return false }
                var cues = Set(name.split(separator: "_").map(String.init)).subtracting(["of", "the", "new"])
                if definition.type == .date { cues.formUnion(["day", "date"]) }
                if definition.type == .time { cues.insert("time") }
                return !cues.isDisjoint(with: said)
            }
            if named.count == 1 { return named.first }
        }
        return nil
    }

    private func answerSlot(_ text: String, slot name: String, top: IntentClassifier.Match?) async -> BrainTurn {
        // Free text (a message) is the caller's own words, all of them: "not" or "sorry" in it corrects nothing.
        let corrected = agent.slots[name]?.type != .text && applyCorrections(text)
        let heard = agent.slots[name].flatMap { extractor.extract($0, known: agent.knownValues[name] ?? [], from: text, expected: true) }
        if let definition = agent.slots[name], !corrected {
            let vocabulary = (agent.knownValues[name] ?? []) + definition.values
            let isKnown = heard.map { vocabulary.contains($0.value) } ?? false
            if !vocabulary.isEmpty, !isKnown {
                // Close to exactly one known value: offer it back rather than "didn't catch".
                if let offered = extractor.closest(definition, known: vocabulary, from: text), declinedOffers[name]?.contains(offered.value) != true {
                    let heardValue = heard ?? extractor.heardAsIs(definition, from: text) ?? offered
                    pending = .suggestion(slot: name, offered: offered, heard: heardValue)
                    misunderstandings = 0
                    return finish([Self.suggestionQuestion(offered)], expects: .yesNo, intent: activeIntent, confidence: 1,
                                  path: AnswerPath(.intentEngine, reason: "closest known \(name) offered for confirmation"))
                }
                if let heard, let outcome = definition.ifUnknown {
                    return await unknownAnswer(heard, slot: name, outcome: outcome)
                }
            }
        }
        if let value = heard {
            unknownAnswers[name] = nil
            fill(name, value)
            fillOpportunistically(text, expectedSlot: name)
            misunderstandings = 0
            return await runFlow(prefix: [], confidence: 1, why: "slot \(name) filled")
        }
        if corrected {
            return await runFlow(prefix: ["Okay, let me correct that."], confidence: 1, why: "correction")
        }
        if let switched = await switchIntentIfClear(text, top: top) { return switched }
        if let top, isGoodbye(top, words: SpokenText.tokens(text), threshold: 0.6) { return goodbye(confidence: top.score) }
        let words = SpokenText.tokens(text)
        if let outOfScope = outOfScope(text, words: words, reask: [promptText(for: name)]) { return outOfScope }
        return await notUnderstood(words, reason: "no \(agent.slots[name]?.type.rawValue ?? "value") heard for \(name)")
    }

    /// The answer to "Did you mean …?": yes takes the offered value; no takes what was heard (a value
    /// nobody has is then said so plainly); a new value is an answer to the slot's question.
    private func answerSuggestion(_ text: String, slot name: String, offered: SlotValue, heard: SlotValue, top: IntentClassifier.Match?) async -> BrainTurn {
        let answer = YesNo.parse(text)
        if answer != true, let definition = agent.slots[name],
           let said = extractor.extract(definition, known: agent.knownValues[name] ?? [], from: text, expected: true), said != heard {
            pending = .slot(name)
            return await answerSlot(text, slot: name, top: top)
        }
        switch answer {
        case true?:
            misunderstandings = 0
            unknownAnswers[name] = nil
            fill(name, offered)
            return await runFlow(prefix: [], confidence: 1, why: "caller confirmed the closest known \(name)")
        case false?:
            misunderstandings = 0
            declinedOffers[name, default: []].insert(offered.value)
            guard let definition = agent.slots[name], SlotExtractor.isWhole(heard, for: definition) else {
                // Only part of a value was heard ("Khan"): ask for the whole of it again.
                pending = .slot(name)
                return finish(["Sorry about that."] + SentenceSplitter.split(promptText(for: name)), expects: expectation(for: name), intent: activeIntent,
                              confidence: 1, path: AnswerPath(.intentEngine, reason: "closest \(name) declined, asking again"))
            }
            if let outcome = definition.ifUnknown { return await unknownAnswer(heard, slot: name, outcome: outcome) }
            fill(name, heard)
            return await runFlow(prefix: [], confidence: 1, why: "closest \(name) declined; taking \(name) as heard")
        case nil:
            if let switched = await switchIntentIfClear(text, top: top) { return switched }
            if let outOfScope = outOfScope(text, words: SpokenText.tokens(text), reask: [Self.suggestionQuestion(offered)]) { return outOfScope }
            return await notUnderstood(SpokenText.tokens(text), reason: "expected yes or no to the closest known \(name)")
        }
    }

    /// A finished request whose best intent is below the threshold but above `intentOfferFloor`:
    /// asked about ("Is that about order status?") instead of "I can't help with that".
    private func offerIntent(_ text: String, words: [String], top: IntentClassifier.Match?) -> BrainTurn? {
        guard let top, !top.intent.hasPrefix("_"), top.score >= Self.intentOfferFloor, !UnfinishedTurn.isUnfinished(words),
              declinedOffers[Self.declinedIntents]?.contains(top.intent) != true,
              let intent = agent.intents.first(where: { $0.name == top.intent }) else { return nil }
        pending = .intentOffer(intent: intent.name, said: text)
        return finish([Self.offerQuestion(intent)], expects: .yesNo, intent: nil, confidence: top.score,
                      path: AnswerPath(.intentEngine, reason: "best intent \(intent.name) at \(format(top.score)) < \(format(agent.policies.confidenceThreshold)): offered for confirmation"))
    }

    /// The answer to "Is that about …?": yes starts the intent with what the request said; no is
    /// remembered and the caller hears the menu (not a misunderstanding); anything else is a new
    /// request ("no, I want to send it back" is heard as one).
    private func answerIntentOffer(_ text: String, intent: String, said: String) async -> BrainTurn {
        let words = SpokenText.tokens(text)
        let answer = YesNo.parse(text)
        pending = .nothing
        if answer == true {
            misunderstandings = 0
            start(intent: intent)
            fillOpportunistically(said, expectedSlot: nil)
            // "Yes, it's order 10427": what came with the yes counts too.
            if words.count > 2 { fillOpportunistically(text, expectedSlot: nil) }
            return await runFlow(prefix: [], confidence: 1, why: "caller confirmed the offered intent \(intent)")
        }
        if answer == false {
            declinedOffers[Self.declinedIntents, default: []].insert(intent)
            misunderstandings = 0
            // A plain no: the menu. A no with a request after it: that request.
            if words.count <= 3 {
                let names = agent.intents.map { $0.description }
                return finish(["Sorry about that.", "I can help with " + Template.spokenList(names) + ". What would you like to do?"], expects: .open,
                              intent: nil, confidence: 1, path: AnswerPath(.intentEngine, reason: "offered intent \(intent) declined"))
            }
        }
        return await hear(text)
    }

    /// A value close to nothing the agent knows (a patient not on the list): said plainly. The first
    /// time the agent asks once more, in case it misheard; the second time it takes the agent file's
    /// way forward (`if_unknown`), with the value kept for whoever takes over.
    private func unknownAnswer(_ value: SlotValue, slot name: String, outcome: FlowOutcome) async -> BrainTurn {
        misunderstandings = 0
        let count = (unknownAnswers[name] ?? 0) + 1
        unknownAnswers[name] = count
        let previous = slots[name]
        slots[name] = value
        let said = outcome.say.map { SentenceSplitter.split(render($0)) } ?? []
        slots[name] = previous
        if count < 2 {
            pending = .slot(name)
            return finish(said + ["Could you say it once more, in case I misheard?"], expects: expectation(for: name), intent: activeIntent, confidence: 1,
                          path: AnswerPath(.intentEngine, reason: "\(name) matches nothing known, asking once more"))
        }
        unknownAnswers[name] = nil
        fill(name, value)
        return await apply(FlowOutcome(say: nil, clear: outcome.clear, then: outcome.then), at: nil, prefix: said, confidence: 1,
                           why: "\(name) matches nothing known, twice: the agent file's way forward")
    }

    /// "What's the weather like?", "can you recommend a restaurant": a finished question or request
    /// about something none of the agent's intents is about. Answered with what the agent can do,
    /// then the question it was waiting on; never counted as a misunderstanding.
    private func outOfScope(_ text: String, words: [String], reask: [String]) -> BrainTurn? {
        guard OutOfScope.isQuestionOrRequest(words), !UnfinishedTurn.isUnfinished(words),
              !classifier.strangerWords(text).isEmpty else { return nil }
        let offer = "I can't help with that, but I can help with " + Template.spokenList(agent.intents.map(\.description)) + "."
        return finish([offer] + reask, expects: lastExpectation, intent: activeIntent, confidence: 0,
                      path: AnswerPath(.intentEngine, reason: "out of scope, not counted as a misunderstanding"))
    }

    /// Mid-flow, the caller clearly asked for something else: start that instead.
    private func switchIntentIfClear(_ text: String, top: IntentClassifier.Match?) async -> BrainTurn? {
        guard let top, !top.intent.hasPrefix("_"), top.intent != activeIntent, top.score >= max(0.6, agent.policies.confidenceThreshold) else { return nil }
        keepSharedState()
        start(intent: top.intent)
        fillOpportunistically(text, expectedSlot: nil)
        return await runFlow(prefix: [], confidence: top.score, why: "switched to \(top.intent) at \(format(top.score))")
    }

    // MARK: - Slots and corrections

    private func fill(_ name: String, _ value: SlotValue) {
        let changed = slots[name] != nil && slots[name] != value
        slots[name] = value
        fillOrder.removeAll { $0 == name }
        fillOrder.append(name)
        protect(name, value)
        if changed { invalidate(dependingOn: name) }
    }

    /// After a human hands the call back: carry on from everything known now, including what was
    /// said during the takeover, instead of waiting for the caller to start again.
    public func resume() async -> BrainTurn? {
        toolCallsThisTurn = []
        guard activeIntent != nil else {
            return finish(["Is there anything else I can help you with?"], expects: .open, intent: nil, confidence: 1, path: AnswerPath(.intentEngine, reason: "resumed after handback"))
        }
        pending = .nothing
        return await runFlow(prefix: [], confidence: 1, why: "resumed after handback")
    }

    /// What was said during a takeover still counts: the slot the flow was asking for, and any
    /// other empty slot it needs, are filled from it, so after handback the agent need not ask again.
    /// The operator's own words are not an answer to the agent's question ("this is the front desk"):
    /// only a known value is taken from them.
    private func absorbTakeoverLine(_ line: String, fromCaller: Bool) {
        var expected: String?
        if case .slot(let name) = pending, let definition = agent.slots[name],
           let value = extractor.extract(definition, known: agent.knownValues[name] ?? [], from: line, expected: fromCaller) {
            fill(name, value)
            expected = name
        }
        fillOpportunistically(line, expectedSlot: expected)
    }

    /// Fills empty slots the flow will need from whatever the caller volunteered.
    private func fillOpportunistically(_ text: String, expectedSlot: String?) {
        var wanted: [String] = []
        if let intent = activeIntent, let declared = agent.intents.first(where: { $0.name == intent })?.slots { wanted += declared }
        for planned in steps { if case .ask(let s) = planned.step.action, !wanted.contains(s) { wanted.append(s) } }
        for name in wanted where name != expectedSlot && slots[name] == nil {
            guard let definition = agent.slots[name], definition.type != .text, definition.type != .yesNo else { continue }
            // Two slots of one type (date of birth, appointment day) would both grab the same words.
            if let expectedSlot, agent.slots[expectedSlot]?.type == definition.type { continue }
            // Unasked dates: a birth date lies in the past, an appointment day in the future.
            guard let value = extractor.extract(definition, known: agent.knownValues[name] ?? [], from: text, expected: false,
                                                accept: { fitsUnasked(definition, $0) }) else { continue }
            fill(name, value)
        }
    }

    /// "No, I said Wednesday", "actually make that four": replaces an earlier answer.
    private func applyCorrections(_ text: String) -> Bool {
        let words = SpokenText.tokens(text)
        let joined = " " + words.joined(separator: " ") + " "
        let cues = [" i said ", " i meant ", " actually ", " instead ", " make that ", " change that ", " not ", " sorry ", " correction ", " rather "]
        let cued = words.first == "no" || cues.contains { joined.contains($0) }
        guard cued else { return false }
        for name in fillOrder.reversed() {
            guard let definition = agent.slots[name], definition.type != .yesNo, definition.type != .text else { continue }
            let latest = name == fillOrder.last
            // "No, I said Thursday" corrects the appointment day, not a date of birth: as when filling
            // unasked slots, a birth date lies in the past and an appointment day does not.
            guard let value = extractor.extract(definition, known: agent.knownValues[name] ?? [], from: text, expected: latest,
                                                accept: { fitsUnasked(definition, $0) }),
                  value != slots[name] else { continue }
            fill(name, value)
            return true
        }
        return false
    }

    /// A value for a slot nobody asked for: a birth date lies in the past, an appointment day does not.
    private func fitsUnasked(_ definition: SlotDefinition, _ value: SlotValue) -> Bool {
        guard definition.type == .date, let day = CalendarDay(iso: value.value) else { return true }
        return definition.sensitive == (day < today)
    }

    /// Forgets confirmations and tool results that used `name`, and what depended on those.
    private func invalidate(dependingOn name: String) {
        var changed: Set<String> = [name]
        var grew = true
        while grew {
            grew = false
            for (i, planned) in steps.enumerated() {
                let refs: Set<String>
                switch planned.step.action {
                case .confirm(let text): refs = Template.references(text)
                case .call: refs = Set(planned.step.arguments.values.flatMap(Template.references))
                default: continue
                }
                guard !refs.isDisjoint(with: changed) else { continue }
                confirmed.remove(i)
                if done.remove(i) != nil { grew = true }
                if let bound = planned.step.bindAs, bindings.removeValue(forKey: bound) != nil || !changed.contains(bound) {
                    if changed.insert(bound).inserted { grew = true }
                }
            }
        }
    }

    // MARK: - Flow

    private func start(intent: String) {
        activeIntent = intent
        steps = plan(intent)
        done = []
        confirmed = []
        retries = [:]
        pending = .nothing
        // A shared block's results (the identified patient) stay valid across requests.
        for (i, planned) in steps.enumerated() where planned.shared {
            if let bound = planned.step.bindAs, bindings[bound] != nil { done.insert(i) }
        }
    }

    private func plan(_ block: String, shared: Bool = false, depth: Int = 0) -> [PlannedStep] {
        guard depth < 8, let list = agent.flow[block] else { return [] }
        return list.flatMap { step -> [PlannedStep] in
            if case .include(let inner) = step.action { return plan(inner, shared: true, depth: depth + 1) }
            return [PlannedStep(step: step, shared: shared)]
        }
    }

    /// Keeps only what shared blocks established (identity), for the next request.
    private func keepSharedState() {
        var keepSlots = Set<String>(), keepBindings = Set<String>()
        for planned in steps where planned.shared {
            if case .ask(let s) = planned.step.action { keepSlots.insert(s) }
            if let b = planned.step.bindAs { keepBindings.insert(b) }
        }
        slots = slots.filter { keepSlots.contains($0.key) }
        fillOrder = fillOrder.filter { keepSlots.contains($0) }
        bindings = bindings.filter { keepBindings.contains($0.key) }
        activeIntent = nil
        steps = []
        pending = .nothing
    }

    private func runFlow(prefix: [String], confidence: Double, why: String) async -> BrainTurn {
        var said = prefix
        var index = 0
        var guardCount = 0
        while index < steps.count, guardCount < 200 {
            guardCount += 1
            let planned = steps[index]
            let step = planned.step
            switch step.action {
            case .ask(let name):
                if slots[name] != nil { index += 1; continue }
                pending = .slot(name)
                // An outcome that already asked ("No problem. Which day would you like instead?") is
                // the question: the slot's own prompt after it would ask the same thing twice.
                if said.last?.hasSuffix("?") != true { said += SentenceSplitter.split(promptText(for: name, override: step.prompt)) }
                return finish(said, expects: expectation(for: name), intent: activeIntent, confidence: confidence, path: AnswerPath(.intentEngine, reason: why))
            case .say(let text):
                if done.contains(index) { index += 1; continue }
                done.insert(index)
                said += SentenceSplitter.split(render(text))
                switch step.then {
                case .retry?, nil: index += 1
                case let then?: return await follow(then, said: said, confidence: confidence, why: "the flow hands this request on")
                }
            case .confirm:
                if confirmed.contains(index) { index += 1; continue }
                pending = .confirmation(index)
                said.append(confirmationText(index))
                return finish(said, expects: .yesNo, intent: activeIntent, confidence: confidence, path: AnswerPath(.intentEngine, reason: why))
            case .include:
                index += 1
            case .call(let toolName):
                if done.contains(index) { index += 1; continue }
                var arguments = callArguments(step, tool: toolName, slots: slots)
                let outcome = await tools.invoke(toolName, arguments: .object(arguments))
                record(toolName, arguments: .object(arguments), outcome: outcome)
                switch outcome {
                case .success(var value):
                    if ToolResults.isEmpty(value), step.soundAlikes, let match = await soundAlikeLookup(step, tool: toolName) {
                        (arguments, value) = match
                    }
                    if ToolResults.isEmpty(value) {
                        let outcome = step.ifEmpty ?? FlowOutcome(say: "Sorry, I couldn't find that.", then: .end)
                        return await apply(outcome, at: index, prefix: said, confidence: confidence, why: "\(toolName) found nothing")
                    }
                    done.insert(index)
                    retries[index] = nil
                    if let bound = step.bindAs { bindings[bound] = value }
                    if agent.tools[toolName]?.writes == true { actions.append("\(toolName) \(tracer.redactor.redact(JSONValue.object(arguments).jsonText))") }
                    if let after = step.sayAfter { said += SentenceSplitter.split(render(after)) }
                    index += 1
                case .failed(_, let fallback, _):
                    said += SentenceSplitter.split(fallback)
                    return await escalate(reason: "\(toolName) failed after every attempt", say: said, confidence: confidence)
                case .denied(let decision):
                    let why = decision == .timedOut ? "the approval timed out" : "the approval was denied"
                    let outcome = step.ifDenied ?? FlowOutcome(say: decision == .timedOut
                        ? "I couldn't get that approved in time, so nothing has been changed."
                        : "I'm sorry, that wasn't approved, so nothing has been changed.", then: .end)
                    return await apply(outcome, at: index, prefix: said, confidence: confidence, why: "\(toolName): \(why)")
                }
            }
        }
        return endRequest(said, confidence: confidence, why: why)
    }

    /// `index` is the step the outcome belongs to: its retries are counted there, and once they reach
    /// the outcome's limit the flow takes its `otherwise` (by default the human handoff) instead.
    private func apply(_ outcome: FlowOutcome, at index: Int?, prefix: [String], confidence: Double, why: String) async -> BrainTurn {
        var said = prefix
        if let say = outcome.say { said += SentenceSplitter.split(render(say)) }
        if outcome.then == .retry, let index {
            let count = (retries[index] ?? 0) + 1
            retries[index] = count
            if count >= outcome.attemptLimit {
                retries[index] = nil
                let fallback = outcome.otherwise ?? FlowFallback(say: nil, then: .escalate)
                if let say = fallback.say { said += SentenceSplitter.split(render(say)) }
                return await follow(fallback.then, said: said, confidence: confidence, why: "\(why), \(count) times: the agent file's way forward")
            }
        }
        for name in outcome.clear {
            slots.removeValue(forKey: name)
            fillOrder.removeAll { $0 == name }
            invalidate(dependingOn: name)
        }
        return await follow(outcome.then, said: said, confidence: confidence, why: why)
    }

    private func follow(_ then: FlowTransition, said: [String], confidence: Double, why: String) async -> BrainTurn {
        switch then {
        case .end: return endRequest(said, confidence: confidence, why: why)
        case .retry:
            pending = .nothing
            return await runFlow(prefix: said, confidence: confidence, why: why)
        case .escalate: return await escalate(reason: why, say: said, confidence: confidence)
        case .hangup: return goodbye(confidence: confidence, prefix: said)
        case .message:
            // What the caller said so far (their name) stays for the message; the request is over.
            keepSharedState()
            start(intent: FlowTransition.messageFlow)
            return await runFlow(prefix: said, confidence: confidence, why: "\(why); taking a message")
        }
    }

    private func endRequest(_ said: [String], confidence: Double, why: String) -> BrainTurn {
        let intent = activeIntent
        keepSharedState()
        misunderstandings = 0
        return finish(said + ["Is there anything else I can help you with?"], expects: .open, intent: intent, confidence: confidence, path: AnswerPath(.intentEngine, reason: "\(why); request finished"))
    }

    private func goodbye(confidence: Double, prefix: [String] = []) -> BrainTurn {
        let intent = activeIntent
        keepSharedState()
        return finish(prefix + ["Thank you for calling \(agent.name). Goodbye!"], expects: .open, intent: intent ?? IntentClassifier.goodbye, confidence: confidence, path: AnswerPath(.intentEngine, reason: "goodbye"), hangUp: true)
    }

    /// A turn the engine could not use, asked again. Only a finished turn counts as a misunderstanding
    /// (a turn that stops on "and", "the", "um" is asked again without counting); the second re-ask in
    /// a row, counted or not, uses other words than the first (`reask(again:)`).
    private func notUnderstood(_ words: [String], reason: String) async -> BrainTurn {
        let expects: RecognitionExpectation
        switch pending {
        case .slot(let name): expects = expectation(for: name)
        case .confirmation, .suggestion, .intentOffer: expects = .yesNo
        case .nothing: expects = .open
        }
        let said = reask(again: reasks >= 1)
        let unfinished = UnfinishedTurn.isUnfinished(words)
        if !unfinished { misunderstandings += 1 }
        // Past the limit, counted or re-asked in a row: the agent file's way forward (a message where
        // it defines one), never a transfer the agent file did not ask for.
        if misunderstandings > agent.policies.maxMisunderstandings {
            return await wayForward(reason: "\(misunderstandings) misunderstandings in a row (\(reason))")
        }
        if reasks >= agent.policies.maxMisunderstandings {
            return await wayForward(reason: "not understood (\(reason)) after \(reasks) re-asks in a row")
        }
        if unfinished {
            return finish(said, expects: expects, intent: activeIntent, confidence: 0, reask: true,
                          path: AnswerPath(.intentEngine, reason: "not understood (\(reason)), an unfinished turn, not counted"))
        }
        return finish(said, expects: expects, intent: activeIntent, confidence: 0, reask: true,
                      path: AnswerPath(.intentEngine, reason: "not understood (\(reason)), misunderstanding \(misunderstandings) of \(agent.policies.maxMisunderstandings)"))
    }

    /// What the engine asks again for what it waits on; `again` for the second time in a row, in
    /// other words than the first.
    private func reask(again: Bool) -> [String] {
        switch pending {
        case .slot(let name):
            let prompt = promptText(for: name)
            guard let definition = agent.slots[name] else { return [again ? "Let me ask that another way." : Reask.notCaught, prompt] }
            return [again ? hintSentenceAgain(definition) : hintSentence(definition), prompt]
        case .confirmation(let index):
            return [again ? Self.yesOrNoAgain : "Sorry, was that a yes or a no?", confirmationText(index)]
        case .suggestion(_, let offered, _):
            return again ? ["Please say yes if you meant \(offered.spoken), or no if not."] : ["Sorry, was that a yes or a no?", Self.suggestionQuestion(offered)]
        case .intentOffer(let intent, _):
            let question = agent.intents.first { $0.name == intent }.map(Self.offerQuestion) ?? "Is that right?"
            return [again ? Self.yesOrNoAgain : "Sorry, was that a yes or a no?", question]
        case .nothing:
            return again ? menuSentenceAgain() : menuSentence()
        }
    }

    /// The second re-ask in a row for what the engine waits on, for a turn whose words nobody could
    /// make out twice (`Conversation.unclear()`): nil when it waits for nothing but a new request.
    public func askAgain() -> [String]? {
        guard activeIntent != nil || pending != .nothing else { return nil }
        let said = reask(again: true)
        lastReply = said
        return said
    }

    /// The caller's words could not be made out (`Conversation.unclear()`), a re-ask in a row like
    /// any other: nil to ask again, or once re-asks in a row reach the agent file's limit, the way
    /// forward instead (`wayForward`). The brain is otherwise untouched: asking again waits for the same.
    public func unclear() async -> BrainTurn? {
        guard reasks < agent.policies.maxMisunderstandings else {
            return await wayForward(reason: "the caller's words could not be made out after \(reasks) re-asks in a row")
        }
        reasks += 1
        return nil
    }

    /// Re-asks in a row reached the agent file's limit (`max_misunderstandings`): no question again,
    /// but a way forward that never ends the call — a message for a person where the agent defines
    /// the `message` flow (and is not already taking one), else the human handoff.
    private func wayForward(reason: String) async -> BrainTurn {
        guard agent.flow[FlowTransition.messageFlow] != nil, activeIntent != FlowTransition.messageFlow else {
            return await escalate(reason: reason, say: [Reask.givingUp], confidence: 0)
        }
        // The message is a new start: its own turns get the whole allowance again.
        misunderstandings = 0
        var turn = await follow(.message, said: [Reask.givingUp], confidence: 0, why: reason)
        // A flow that first asks for the message (a text slot) offers it in its own words; one that
        // asks who is calling first is preceded by what the question is for.
        if case .slot(let name) = pending, agent.slots[name]?.type != .text {
            turn.sentences.insert(Reask.offerMessage, at: 1)
            lastReply = turn.sentences
        }
        return turn
    }

    static let yesOrNoAgain = "I just need a yes or a no."

    static func suggestionQuestion(_ offered: SlotValue) -> String { "Did you mean \(offered.spoken)?" }

    static func offerQuestion(_ intent: IntentDefinition) -> String { "Is that about \(intent.description)?" }

    private func escalate(reason: String, say: [String], confidence: Double) async -> BrainTurn {
        let handoff = Handoff(
            reason: reason, callerID: callerID, intent: activeIntent,
            slots: slots.mapValues { tracer.redactor.redact($0.value) },
            done: actions + operatorLines.map { "operator said: \($0)" },
            target: agent.escalation.target
        )
        escalated = handoff
        tracer.emit(.escalated(summary: handoff.summary, target: handoff.target), stage: .policy)
        let said = say + SentenceSplitter.split(agent.escalation.say)
        return finish(said, expects: .open, intent: activeIntent, confidence: confidence, path: AnswerPath(.intentEngine, reason: "escalation (\(reason))"), handoff: handoff)
    }

    /// Every reply goes through here; `reask` marks one that asks again what was not understood, so
    /// the next re-ask in a row knows to use other words.
    private func finish(_ sentences: [String], expects: RecognitionExpectation, intent: String?, confidence: Double, reask: Bool = false, path: AnswerPath, handoff: Handoff? = nil, hangUp: Bool = false) -> BrainTurn {
        reasks = reask ? reasks + 1 : 0
        lastReply = sentences
        lastExpectation = expects
        return BrainTurn(sentences: sentences, toolCalls: toolCallsThisTurn, expects: expects, intent: intent, confidence: confidence, path: path, handoff: handoff, hangUp: hangUp)
    }

    // MARK: - Helpers

    private func record(_ tool: String, arguments: JSONValue, outcome: ToolOutcome) {
        let result: String
        switch outcome {
        case .success(let value): result = value.jsonText
        case .failed(let error, _, let attempts): result = "failed after \(attempts) attempt(s): \(error)"
        case .denied(let decision): result = "not approved (\(decision == .timedOut ? "timed out" : "denied"))"
        }
        toolCallsThisTurn.append(ToolCallTrace(invocation: "\(tracer.callID)-\(tool)-\(toolCallsThisTurn.count + 1)", tool: tool, arguments: tracer.redactor.redact(arguments.jsonText), result: tracer.redactor.redact(result)))
    }

    private func callArguments(_ step: FlowStep, tool: String, slots: [String: SlotValue]) -> [String: JSONValue] {
        var arguments: [String: JSONValue] = [:]
        let template = Template(slots: slots, bindings: bindings, extra: extras())
        for (key, text) in step.arguments.sorted(by: { $0.key < $1.key }) {
            arguments[key] = typedArgument(template.render(text, spoken: false), tool: tool, parameter: key)
        }
        return arguments
    }

    /// A value of a slot the agent file marks `sensitive` is hidden everywhere from now on, in both forms.
    private func protect(_ name: String, _ value: SlotValue) {
        guard agent.slots[name]?.sensitive == true else { return }
        tracer.redactor.addSecret(value.value)
        tracer.redactor.addSecret(value.spoken)
    }

    /// A lookup that found nothing for the dates heard, tried with each date's sound-alikes (the
    /// thirteenth for the thirtieth, nineteen fifteen for nineteen fifty). Exactly one sound-alike
    /// finding a record is taken as what the caller said; none or several leave the lookup empty.
    private func soundAlikeLookup(_ step: FlowStep, tool: String) async -> (arguments: [String: JSONValue], value: JSONValue)? {
        let dates = Set(step.arguments.values.flatMap(Template.references)).filter { agent.slots[$0]?.type == .date }.sorted()
        var found: [(slot: String, said: SlotValue, arguments: [String: JSONValue], value: JSONValue)] = []
        for name in dates {
            guard let heard = slots[name].flatMap({ CalendarDay(iso: $0.value) }) else { continue }
            for day in SoundAlikeDates.variants(of: heard) {
                let said = SlotValue(value: day.iso, spoken: day.spoken(withYear: true))
                protect(name, said)
                var trial = slots
                trial[name] = said
                let arguments = callArguments(step, tool: tool, slots: trial)
                let outcome = await tools.invoke(tool, arguments: .object(arguments))
                record(tool, arguments: .object(arguments), outcome: outcome)
                if case .success(let result) = outcome, !ToolResults.isEmpty(result) { found.append((name, said, arguments, result)) }
            }
        }
        guard found.count == 1, let match = found.first else { return nil }
        fill(match.slot, match.said)
        return (match.arguments, match.value)
    }

    private func typedArgument(_ text: String, tool: String, parameter: String) -> JSONValue {
        let type = agent.tools[tool]?.parameters[parameter]?.type ?? "string"
        if type == "number" || type == "integer", let n = Double(text) { return .number(n) }
        if type == "boolean" { return .bool(text == "true" || text == "yes") }
        return .string(text)
    }

    /// The names of these are `Template.builtinNames`, which the loader accepts in templates.
    private func extras() -> [String: String] {
        ["caller_id": callerID ?? "", "agent": agent.name, "today": today.iso]
    }

    private func render(_ text: String) -> String {
        Template(slots: slots, bindings: bindings, extra: extras()).render(text, spoken: true)
    }

    private func promptText(for slot: String, override: String? = nil) -> String {
        if let override { return render(override) }
        if case .slot(let name)? = Optional(pending), name == slot, let prompt = currentAskPrompt(slot) { return render(prompt) }
        return render(agent.slots[slot]?.prompt ?? "Could you tell me the \(slot)?")
    }

    private func currentAskPrompt(_ slot: String) -> String? {
        for planned in steps { if case .ask(let s) = planned.step.action, s == slot, let p = planned.step.prompt { return p } }
        return nil
    }

    private func confirmationText(_ index: Int) -> String {
        guard index < steps.count, case .confirm(let text) = steps[index].step.action else { return "Is that right?" }
        return render(text)
    }

    private func hintSentence(_ slot: SlotDefinition) -> String {
        switch slot.type {
        case .date: return "Sorry, I didn't catch the date."
        case .time: return "Sorry, I didn't catch the time."
        case .digits: return slot.length.map { "Sorry, that should be \($0) digits." } ?? "Sorry, I didn't catch the number."
        case .name: return "Sorry, I didn't catch the name."
        default: return Reask.notCaught
        }
    }

    /// The second re-ask for a slot: other words than `hintSentence`, with an example of the form.
    private func hintSentenceAgain(_ slot: SlotDefinition) -> String {
        switch slot.type {
        case .date: return "Let me put it another way: you can say a day like next Tuesday, or a date like the fifth of March."
        case .time: return "Let me put it another way: you can say a time like ten thirty, or three pm."
        case .digits: return slot.length.map { "Let me put it another way: please say the \($0) digits one at a time, or type them on your keypad." }
            ?? "Let me put it another way: please say the number one digit at a time."
        case .name: return "Let me put it another way: please say just your first name, then your last name."
        case .yesNo: return Self.yesOrNoAgain
        default: return "Let me put it another way."
        }
    }

    private func expectation(for slot: String) -> RecognitionExpectation {
        guard let definition = agent.slots[slot] else { return .open }
        switch definition.type {
        case .date: return .date
        case .time: return .time
        case .digits: return .digits(count: definition.length)
        case .number: return .number
        case .yesNo: return .yesNo
        case .name, .choice:
            let values = definition.values + (agent.knownValues[slot] ?? [])
            return values.isEmpty ? .open : .oneOf(values)
        case .text: return .open
        }
    }

    private func menuSentence() -> [String] {
        let names = agent.intents.map { $0.description }
        return ["Sorry, I didn't understand that.", "I can help with " + Template.spokenList(names) + ". What would you like to do?"]
    }

    /// The second time in a row: not the menu again, but examples of what to say, from the intents.
    private func menuSentenceAgain() -> [String] {
        let examples = agent.intents.prefix(3).compactMap { $0.examples.first.map { "\"\($0)\"" } }
        guard !examples.isEmpty else { return ["I'm still not sure what you need.", "Could you say it another way?"] }
        return ["I'm still not sure what you need.", "You could say, for example, " + examples.joined(separator: ", or ") + "."]
    }

    private func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
