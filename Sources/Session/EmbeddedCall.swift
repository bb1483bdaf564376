import Agent
import Audio
import Foundation
import GRDB
import Logging
import RingsideCore
import Speech

/// Builds a call on the embedded pipeline: the agent from its folder, its database, pocketsphinx
/// adapted to the agent's vocabulary, the agent's flite voice, a recorder, and the session tying them.
public struct EmbeddedCall: Sendable {
    /// What to build.
    public struct Options: Sendable {
        public var agentDirectory: URL
        public var callID: String
        public var clock: any CallClock
        public var realtime: Bool
        public var rate: SampleRate
        /// The database the agent's tools use; nil makes a fresh copy of the seed in a private
        /// temporary folder, removed when the call ends.
        public var databaseURL: URL?
        /// Keep the fresh copy in the recording folder instead. It holds every record of the seed,
        /// personal data included (all patients' dates of birth), so this is opt-in.
        public var keepDatabase = false
        /// Where to record the call; nil records nothing.
        public var recordDirectory: URL?
        public var approvalMode: ApprovalMode
        public var approvalTimeout: Double?
        public var callerID: String?
        /// Build the domain language model from the agent (≈ well under a second).
        public var adaptRecognizer: Bool
        /// Overrides the agent's voice.
        public var voice: String?
        public var echoGuardRatio: Double
        public var useLLM: Bool
        /// Recognise the operator's microphone during takeovers.
        public var transcribeOperator: Bool
        /// A recogniser to reuse (already adapted to this agent, readied with `startNewCall()`);
        /// nil builds a fresh one. Building and adapting costs seconds per call, reuse costs nothing.
        public var recognizer: PocketSphinxRecognizer?
        /// Who writes the finals: Whisper over pocketsphinx's partials, or pocketsphinx alone;
        /// nil = `RecognizerEngine.preferred()`, falling back to pocketsphinx where Whisper cannot run.
        public var stt: RecognizerEngine?
        /// Keep the call up, the caller on hold, when the agent hands it to a human (see `SessionConfiguration`).
        public var holdOnHandoff = false
        /// Decides the end of the caller's turn in pauses with a learned model (Smart Turn), the
        /// transcript rules as a second opinion; nil: the rules alone. Injected, so tests and
        /// benchmarks choose the engine.
        public var endOfTurnModel: (any EndOfTurnModel)?
        /// Live two-pass calls: the silence after which Whisper's decode of the turn so far starts;
        /// nil: `TwoPassRecognizer.Settings`' default.
        public var decodeAfter: MediaTime?
        /// The silence after which the learned end-of-turn model is first asked; nil: its default.
        public var askModelAfter: MediaTime?
        /// The caller's (and the operator's) voice activity detector, one per stream.
        public var vad: VADFactory = { EnergyVAD() }
        /// Work out the reply at the caller's pauses and play it at once when the turn ends on those
        /// words (see `SessionConfiguration.speculate`).
        public var speculate = false
        /// What the agent's tools see as the environment (header secrets, `${NAME}` in HTTP URLs).
        public var environment: [String: String] = ProcessInfo.processInfo.environment

        public init(agentDirectory: URL, callID: String = String(UUID().uuidString.prefix(8)).lowercased(), clock: any CallClock,
                    realtime: Bool, rate: SampleRate = .hz16000, databaseURL: URL? = nil, recordDirectory: URL? = nil,
                    approvalMode: ApprovalMode = .ask, approvalTimeout: Double? = nil, callerID: String? = nil, adaptRecognizer: Bool = true,
                    voice: String? = nil, echoGuardRatio: Double = 0, useLLM: Bool = false, transcribeOperator: Bool = true) {
            self.agentDirectory = agentDirectory
            self.callID = callID
            self.clock = clock
            self.realtime = realtime
            self.rate = rate
            self.databaseURL = databaseURL
            self.recordDirectory = recordDirectory
            self.approvalMode = approvalMode
            self.approvalTimeout = approvalTimeout
            self.callerID = callerID
            self.adaptRecognizer = adaptRecognizer
            self.voice = voice
            self.echoGuardRatio = echoGuardRatio
            self.useLLM = useLLM
            self.transcribeOperator = transcribeOperator
        }
    }

    /// Audio ends of the call; `caller` may be built from the bus and the agent's voice (a simulated caller).
    public struct Audio: Sendable {
        public var caller: @Sendable (CallEventBus) throws -> any AudioSource
        public var farEnd: any AudioSink
        public var monitor: (any AudioSink)?
        public var operatorMicrophone: (any AudioSource)?

        public init(caller: @escaping @Sendable (CallEventBus) throws -> any AudioSource, farEnd: any AudioSink,
                    monitor: (any AudioSink)? = nil, operatorMicrophone: (any AudioSource)? = nil) {
            self.caller = caller
            self.farEnd = farEnd
            self.monitor = monitor
            self.operatorMicrophone = operatorMicrophone
        }
    }

    public let session: CallSession
    public let bus: CallEventBus
    public let definition: AgentDefinition
    public let conversation: Conversation
    public let database: DatabaseQueue?
    public let recorder: CallRecorder?
    /// Seconds it took to adapt the recogniser to the agent.
    public let adaptationSeconds: Double?

    public static func make(_ options: Options, audio: Audio) async throws -> EmbeddedCall {
        let definition = try AgentLoader.load(directory: options.agentDirectory)
        let redactor = Redactor(kinds: definition.policies.redact)
        let bus = CallEventBus(callID: options.callID, clock: options.clock, redact: { redactor.redact($0) },
                               learnSecret: { redactor.addSecret($0) })

        let recorder = try options.recordDirectory.map {
            try CallRecorder(directory: $0, rate: options.rate, meta: ["agent": definition.name, "callID": options.callID], redact: { redactor.redact($0) })
        }
        var database: DatabaseQueue?
        var temporaryDatabase: URL?
        if definition.database != nil {
            if let url = options.databaseURL {
                database = try AgentDatabase.open(at: url)
            } else {
                let kept = options.keepDatabase ? options.recordDirectory : nil
                let dir = kept ?? FileManager.default.temporaryDirectory.appendingPathComponent("ringside-db-\(options.callID)-\(UUID().uuidString.prefix(8))")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                database = try AgentDatabase.create(at: dir.appendingPathComponent("agent.sqlite"), definition: definition)
                if kept == nil { temporaryDatabase = dir }
            }
        }
        var conversationOptions = ConversationOptions(callID: options.callID, clock: options.clock, events: bus,
                                                      approvalMode: options.approvalMode, approvalTimeout: options.approvalTimeout)
        conversationOptions.auditURL = recorder.map { URL(fileURLWithPath: $0.auditLogPath) }
        conversationOptions.useLLM = options.useLLM
        conversationOptions.redactor = redactor
        conversationOptions.environment = options.environment
        let conversation = try Conversation(agent: definition, database: database, options: conversationOptions)

        let recognizer = try options.recognizer ?? PocketSphinxRecognizer(configuration: .standard())
        var adaptation: Double?
        if options.adaptRecognizer, await !recognizer.isAdapted {
            let took = try await recognizer.adapt(to: definition.vocabulary)
            adaptation = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        }
        let digitLengths = Set(definition.slots.values.compactMap(\.length))
        let ears = try await RecognizerEngine.ears(streaming: recognizer, engine: options.stt, realtime: options.realtime,
                                                   vocabulary: definition.vocabulary, digitLengths: digitLengths, decodeAfter: options.decodeAfter)
        let listener = SpeechListener(recognizer: ears, vad: options.vad(), callID: options.callID, speaker: .caller)
        listener.stampsRecognitionWait = options.realtime
        listener.awaitsFinal = !options.realtime
        if let model = options.endOfTurnModel {
            var learned = LearnedTurnDetection(model: model, rules: true)
            if let askAfter = options.askModelAfter { learned.askAfter = askAfter }
            listener.learnedTurn = learned
            listener.awaitsModel = !options.realtime
        }
        let synthesizer = try FliteSynthesizer(voice: options.voice ?? definition.voice)

        var operatorChannel: OperatorChannel?
        if let mic = audio.operatorMicrophone {
            var operatorListener: SpeechListener?
            if options.transcribeOperator {
                let r = try await RecognizerEngine.ears(streaming: try PocketSphinxRecognizer(configuration: .standard()), engine: options.stt,
                                                        realtime: options.realtime, vocabulary: definition.vocabulary)
                operatorListener = SpeechListener(recognizer: r, vad: options.vad(), callID: options.callID, speaker: .human)
            }
            operatorChannel = OperatorChannel(microphone: mic, listener: operatorListener, synthesizer: try FliteSynthesizer(voice: "rms"),
                                              rate: options.rate, bus: bus)
        } else {
            operatorChannel = OperatorChannel(microphone: nil, listener: nil, synthesizer: try FliteSynthesizer(voice: "rms"), rate: options.rate, bus: bus)
        }

        let configuration = SessionConfiguration(rate: options.rate, realtime: options.realtime, agentName: definition.name,
                                                 echoGuardRatio: options.echoGuardRatio, holdOnHandoff: options.holdOnHandoff,
                                                 speculate: options.speculate)
        let session = CallSession(configuration: configuration, bus: bus, source: try audio.caller(bus), farEnd: audio.farEnd,
                                  monitor: audio.monitor, listener: listener, synthesizer: synthesizer,
                                  agent: ConversationAgent(conversation), recorder: recorder, operatorChannel: operatorChannel)
        if let temporaryDatabase {
            // Open handles stay valid after the unlink (tests read the database after the call).
            session.whenFinished { try? FileManager.default.removeItem(at: temporaryDatabase) }
        }
        return EmbeddedCall(session: session, bus: bus, definition: definition, conversation: conversation, database: database,
                            recorder: recorder, adaptationSeconds: adaptation)
    }
}
