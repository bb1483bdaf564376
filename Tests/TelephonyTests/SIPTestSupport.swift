import Foundation
import RingsideCore
import Testing
@testable import Telephony

/// Records an event stream as it arrives, for tests to wait on (bounded).
final class EventLog<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []

    init(_ stream: AsyncStream<Event>) {
        Task { [weak self] in
            for await e in stream { self?.append(e) }
        }
    }

    private func append(_ e: Event) { lock.withLock { events.append(e) } }
    var all: [Event] { lock.withLock { events } }

    /// The first event matching `predicate`, waiting up to `seconds`.
    func waitFor(_ seconds: Double = 10, _ predicate: (Event) -> Bool) async -> Event? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let e = all.first(where: predicate) { return e }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return all.first(where: predicate)
    }
}

typealias SIPEventLog = EventLog<SIPEvent>
typealias PhoneEventLog = EventLog<PhoneEvent>

extension EventLog where Event == SIPEvent {
    convenience init(_ agent: SIPUserAgent) { self.init(agent.events) }
}

extension EventLog where Event == PhoneEvent {
    convenience init(_ phone: SIPPhone) { self.init(phone.events) }
}

extension SIPEvent {
    var call: SIPCall? { sipCall }
    var isAnswered: Bool { if case .answered = self { return true } else { return false } }
    var isEstablished: Bool { if case .established = self { return true } else { return false } }
    var isIncoming: Bool { if case .incomingCall = self { return true } else { return false } }
    var endReason: String? { if case let .ended(_, r) = self { return r } else { return nil } }
}

/// A callee whose policy answers every call with a media session on 127.0.0.1, as `ringside serve` would.
final class AnsweringCallee: @unchecked Sendable {
    let agent: SIPUserAgent
    let log: SIPEventLog
    private let lock = NSLock()
    private var sessions: [Int: MediaSession] = [:]

    init(supported: [MediaCodec], decision: IncomingCallDecision? = nil, transport: SIPTransport = .both,
         inbound: InboundRestrictions = InboundRestrictions(), credentials: SIPCredentials? = nil) throws {
        let box = SessionBox()
        let policy: @Sendable (SIPCall, String?) -> IncomingCallDecision = { call, offer in
            if let decision { return decision }
            guard let offer, let parsed = try? SessionDescription(parsing: offer, source: "INVITE") else {
                return .reject(status: 488, phrase: "Not Acceptable Here")
            }
            do {
                let media = try MediaSession()
                let (answer, negotiated) = try SDPNegotiation.answer(parsed, supported: supported, address: "127.0.0.1",
                                                                     port: media.localEndpoint.port)
                try media.start(media: negotiated)
                box.owner?.store(call.id, media)
                return .answer(sdp: answer.text)
            } catch {
                return .reject(status: 488, phrase: "Not Acceptable Here")
            }
        }
        agent = SIPUserAgent(configuration: SIPConfiguration(bindAddress: "127.0.0.1", port: 0, incomingCallPolicy: policy, credentials: credentials,
                                                             transport: transport, inbound: inbound))
        log = SIPEventLog(agent)
        box.owner = self
        try agent.start()
    }

    func store(_ id: Int, _ media: MediaSession) { lock.withLock { sessions[id] = media } }
    func media(for id: Int) -> MediaSession? { lock.withLock { sessions[id] } }
    var allMedia: [MediaSession] { lock.withLock { Array(sessions.values) } }

    final class SessionBox: @unchecked Sendable { weak var owner: AnsweringCallee? }
}
