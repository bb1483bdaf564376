import Foundation
import Logging
import RingsideCore

/// A softphone: a `SIPUserAgent` plus one `MediaSession` per call, with SDP offer/answer done.
///
/// What `ringside call` and `ringside serve` build on: `dial` returns a call whose media starts
/// by itself when the far end answers; incoming calls are answered automatically or by `answer`.
/// Every call's audio is `call.media.source` / `call.media.sink`.
public final class SIPPhone: @unchecked Sendable {
    public let configuration: SIPPhoneConfiguration
    public let agent: SIPUserAgent
    /// Everything that happens to the phone's calls, in order. One consumer.
    public let events: AsyncStream<PhoneEvent>
    private let continuation: AsyncStream<PhoneEvent>.Continuation
    private let logger: Logger
    private let lock = NSLock()
    private var calls: [Int: PhoneCall] = [:]
    private var offers: [Int: SessionDescription] = [:]
    private var pump: Task<Void, Never>?

    public init(configuration: SIPPhoneConfiguration = SIPPhoneConfiguration(), logger: Logger = Logger(label: "ringside.phone")) {
        self.configuration = configuration
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: PhoneEvent.self, bufferingPolicy: .unbounded)
        var sip = configuration.sip
        let box = PolicyBox()
        sip.incomingCallPolicy = { call, offer in box.phone?.decide(call, offer: offer) ?? .reject(status: 503, phrase: "Service Unavailable") }
        agent = SIPUserAgent(configuration: sip, logger: logger)
        box.phone = self
    }

    /// Starts SIP; throws `SIPError.cannotStart` if the port cannot be bound.
    public func start() throws {
        try agent.start()
        let stream = agent.events
        pump = Task { [weak self] in
            for await event in stream { self?.handle(event) }
            self?.continuation.finish()
        }
    }

    /// `sip:ADDRESS:PORT` of this phone.
    public var localURI: String { agent.localURI }

    /// Calls `uri` offering the configured codecs; media starts when the far end answers.
    /// `referredBy`: the call whose REFER this follows (its transferor hears how it goes).
    public func dial(_ uri: String, referredBy: PhoneCall? = nil) throws -> PhoneCall {
        let box = CallBox()
        let media = try MediaSession(configuration: configuration.media(peerName: "the called party"), logger: logger, events: mediaEvents(box))
        let offer = media.offer(codecs: configuration.codecs)
        // Held across sending, so the answer cannot be handled before the call is on record.
        lock.lock()
        defer { lock.unlock() }
        let sip = try agent.call(uri: uri, sdp: offer.text, referredBy: referredBy?.sip)
        let call = PhoneCall(sip: sip, media: media, phone: self)
        box.call = call
        calls[sip.id] = call
        offers[sip.id] = offer
        return call
    }

    /// Answers a ringing incoming call (when `autoAnswer` is off).
    public func answer(_ call: PhoneCall) throws {
        let offer = lock.withLock { offers[call.sip.id] }
        guard let offer else { throw SIPError.unknownCall(call.sip.id) }
        let (answer, negotiated) = try SDPNegotiation.answer(offer, supported: configuration.codecs, address: configuration.mediaAddress,
                                                             port: call.media.localEndpoint.port)
        try call.media.start(media: negotiated)
        call.setNegotiated(negotiated)
        try agent.answer(call.sip, sdp: answer.text)
    }

    /// Puts the far end on hold (re-INVITE with `a=sendonly`); media keeps its codec, stops receiving.
    public func hold(_ call: PhoneCall) throws { try reoffer(call, direction: .sendonly) }

    /// Takes the far end off hold (re-INVITE with `a=sendrecv`).
    public func resume(_ call: PhoneCall) throws { try reoffer(call, direction: .sendrecv) }

    private func reoffer(_ call: PhoneCall, direction: MediaDirection) throws {
        guard let codec = call.negotiated?.codec else { throw SIPError.unknownCall(call.sip.id) }
        let offer = call.media.offer(codecs: [codec], direction: direction)
        try agent.update(call.sip, sdp: offer.text)
    }

    /// Transfers the far end of `call` to `uri` (SIP REFER, cold); `.transferProgress` events follow.
    public func transfer(_ call: PhoneCall, to uri: String) throws { try agent.refer(call.sip, to: uri) }

    /// Sends `text` to the far end in the call's dialog (SIP MESSAGE).
    public func message(_ call: PhoneCall, text: String) throws { try agent.message(call.sip, text: text) }

    /// Registers with a registrar (see `SIPUserAgent.register`).
    public func register(aor: String, contactUser: String, registrar: String? = nil, expires: Int? = nil) throws {
        try agent.register(aor: aor, contactUser: contactUser, registrar: registrar, expires: expires)
    }

    /// Hangs up every call and shuts SIP down.
    public func shutdown() async {
        let all = lock.withLock { Array(calls.values) }
        for call in all { call.media.stop() }
        await agent.shutdown()
        await pump?.value
        continuation.finish()
    }

    // MARK: Internals

    private final class PolicyBox: @unchecked Sendable { weak var phone: SIPPhone? }

    /// Lets a media session's events name their call, which is made after the session.
    private final class CallBox: @unchecked Sendable { weak var call: PhoneCall? }

    private func mediaEvents(_ box: CallBox) -> @Sendable (MediaSessionEvent) -> Void {
        { [weak self] event in
            guard let self, let call = box.call, case let .dtmf(digit) = event else { return }
            self.continuation.yield(.dtmf(call, digit: digit))
        }
    }

    /// Runs on the SIP thread for each new INVITE.
    private func decide(_ sip: SIPCall, offer text: String?) -> IncomingCallDecision {
        guard let text else {
            // No offer in the INVITE (a late offer): not supported, so say what is missing.
            return .reject(status: 488, phrase: "Not Acceptable Here", headers: [Self.warning(399, "an SDP offer is needed in the INVITE")])
        }
        let offer: SessionDescription
        do {
            offer = try SessionDescription(parsing: text, source: "SDP")
        } catch {
            logger.warning("declining \(sip): its SDP: \(error)")
            return .reject(status: 488, phrase: "Not Acceptable Here", headers: [Self.warning(399, "\(error)")])
        }
        do {
            let box = CallBox()
            let media = try MediaSession(configuration: configuration.media(peerName: "the caller"), logger: logger, events: mediaEvents(box))
            // Negotiate now even when a person will answer: no common codec is declined before anything rings.
            let (answer, negotiated) = try SDPNegotiation.answer(offer, supported: configuration.codecs, address: configuration.mediaAddress,
                                                                 port: media.localEndpoint.port)
            let call = PhoneCall(sip: sip, media: media, phone: self)
            box.call = call
            lock.withLock {
                calls[sip.id] = call
                offers[sip.id] = offer
            }
            guard configuration.autoAnswer else { return .ring }
            try media.start(media: negotiated)
            call.setNegotiated(negotiated)
            return .answer(sdp: answer.text)
        } catch let error as SDPNegotiationError {
            logger.warning("declining \(sip): \(error)")
            return .reject(status: 488, phrase: "Not Acceptable Here", headers: [Self.warning(error.warningCode, error.description)])
        } catch {
            logger.error("cannot take \(sip): \(error)")
            return .reject(status: 500, phrase: "Server Internal Error")
        }
    }

    /// A `Warning` header line (RFC 3261 §20.43): code, agent, quoted text (one line, quotes escaped).
    static func warning(_ code: Int, _ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "Warning: \(code) ringside \"\(clean.prefix(200))\""
    }

    private func handle(_ event: SIPEvent) {
        let call = event.sipCall.flatMap { c in lock.withLock { calls[c.id] } }
        switch event {
        case .incomingCall:
            if let call { continuation.yield(.incoming(call)) }
        case let .progress(_, status, _, _):
            if let call { continuation.yield(.ringing(call, status: status)) }
        case let .answered(_, answer):
            guard let call, let offer = lock.withLock({ offers[call.sip.id] }) else { return }
            do {
                let parsed = try SessionDescription(parsing: answer ?? "", source: "answer from \(call.sip.remoteURI)")
                let negotiated = try SDPNegotiation.accept(answer: parsed, offer: offer)
                try call.media.start(media: negotiated)
                call.setNegotiated(negotiated)
            } catch {
                continuation.yield(.error("\(call): \(error)"))
                call.hangUp()
            }
        case let .updated(_, sdp):
            guard let call, var negotiated = call.negotiated, let sdp,
                  let remote = try? SessionDescription(parsing: sdp, source: "re-INVITE from \(call.sip.remoteURI)"),
                  let audio = remote.audio, let endpoint = remote.audioEndpoint else { return }
            negotiated.direction = (remote.audioDirection ?? audio.direction).answering
            negotiated.remoteAddress = endpoint.address
            negotiated.remotePort = endpoint.port
            do {
                try call.media.start(media: negotiated)
                call.setNegotiated(negotiated)
                continuation.yield(.mediaChanged(call, direction: negotiated.direction))
            } catch {
                continuation.yield(.error("\(call): \(error)"))
            }
        case .established:
            if let call, let codec = call.negotiated?.codec { continuation.yield(.connected(call, codec: codec)) }
        case let .ended(_, reason):
            guard let call else { return }
            call.markEnded(reason)
            call.media.stop()
            lock.withLock {
                calls.removeValue(forKey: call.sip.id)
                offers.removeValue(forKey: call.sip.id)
            }
            continuation.yield(.ended(call, reason: reason))
        case let .registration(registered, status, phrase):
            continuation.yield(.registration(registered: registered, status: status, phrase: phrase))
        case let .referred(_, uri):
            guard let call else { return }
            guard configuration.followsTransfers else {
                logger.info("\(call): not following the transfer to \(uri)")
                return
            }
            do {
                continuation.yield(.transferred(call, to: try dial(uri, referredBy: call)))
            } catch {
                continuation.yield(.error("\(call): cannot follow the transfer to \(uri): \(error)"))
            }
        case let .transferProgress(_, status, phrase):
            if let call { continuation.yield(.transferProgress(call, status: status, phrase: phrase)) }
        case let .message(_, _, text):
            if let call { continuation.yield(.message(call, text: text)) }
        case let .messageRefused(_, status, problem):
            if let call { continuation.yield(.messageRefused(call, status: status, problem: problem)) }
        case let .refused(refusal):
            continuation.yield(.refused(refusal))
        case let .error(message):
            continuation.yield(.error(message))
        }
    }
}
