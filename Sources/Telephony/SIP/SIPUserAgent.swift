internal import CSofiaSip
import Foundation
import Logging
import RingsideCore
#if canImport(Glibc)
import Glibc
#endif

/// A SIP user agent on sofia-sip's nua: places, answers, cancels and hangs up calls, answers
/// OPTIONS, probes peers and registers.
///
/// Sofia runs on one dedicated thread that creates and runs its `su_root`; every public method
/// queues a command that runs on that thread (posted as a message to the root's own mailbox),
/// and every sofia event becomes a `SIPEvent` on `events`. SDP bodies are Ringside's own (nua's
/// media handling is off), so addresses in SDP are exactly what the caller put there.
public final class SIPUserAgent: @unchecked Sendable {
    public let configuration: SIPConfiguration
    /// Everything that happens, in order. One consumer.
    public let events: AsyncStream<SIPEvent>
    private let continuation: AsyncStream<SIPEvent>.Continuation
    private let logger: Logger

    // Shared between threads; guarded by `lock`.
    private let lock = NSLock()
    private var commands: [() -> Void] = []
    /// The running root (set on the sofia thread, read under `lock` to post commands).
    private var postRoot: OpaquePointer?
    private var running = false
    private var boundPort: UInt16 = 0
    private var refusedCount = 0
    private var busyCount = 0
    /// Set by `stopAccepting`: every new INVITE gets 503 (the process is shutting down).
    private var draining = false
    private var challengeCount = 0
    private var nextID = 1
    private var pending: [Int: CheckedContinuation<SIPResponse, Error>] = [:]
    private let finished = DispatchSemaphore(value: 0)

    // Sofia thread only.
    private var root: OpaquePointer?
    private var nua: OpaquePointer?
    private var legs: [Int: CallLeg] = [:]
    private var callByHandle: [OpaquePointer: Int] = [:]
    private var requestByHandle: [OpaquePointer: Int] = [:]
    private var authTried: Set<OpaquePointer> = []
    /// Handles of INVITEs answered by the inbound restrictions (401/403): no call, destroyed when nua is done with them.
    private var screenedOut: Set<OpaquePointer> = []
    private var registration: OpaquePointer?
    /// The `unregister(timeout:)` waiting for the registrar's answer.
    private var unregisterRequest: Int?

    private struct CallLeg {
        enum State { case early, answered, established }
        var call: SIPCall
        var handle: OpaquePointer
        var state: State = .early
        var localSDP: String?
        var endReason: String?
        var endReported = false
        /// The event of the REFER the peer sent on this call (NOTIFYs about following it carry it).
        var referEvent: String?
    }

    public init(configuration: SIPConfiguration = SIPConfiguration(), logger: Logger = Logger(label: "ringside.sip")) {
        self.configuration = configuration
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: SIPEvent.self, bufferingPolicy: .unbounded)
    }

    /// How many INVITEs the inbound restrictions refused (403) and challenged (401) so far.
    public var refusals: (refused: Int, challenged: Int) {
        lock.withLock { (refusedCount, challengeCount) }
    }

    /// How many INVITEs got 503 because the calls were at `maximumCalls` or the agent was draining.
    public var busyRefusals: Int { lock.withLock { busyCount } }

    /// From now on every new INVITE is answered 503 Service Unavailable with `Retry-After` (calls in
    /// progress go on): the first step of a graceful shutdown.
    public func stopAccepting() { lock.withLock { draining = true } }

    /// The port SIP listens on (after `start`).
    public var localPort: UInt16 {
        lock.lock()
        defer { lock.unlock() }
        return boundPort
    }

    /// This agent's own URI, e.g. `sip:127.0.0.1:5062`.
    public var localURI: String { "sip:\(configuration.bindAddress == "*" ? "127.0.0.1" : configuration.bindAddress):\(localPort)" }

    /// Binds and starts the signalling thread; throws if sofia cannot bind.
    public func start() throws {
        lock.lock()
        if running { lock.unlock(); return }
        lock.unlock()
        let port = configuration.port != 0 ? configuration.port : try Self.freePort(address: configuration.bindAddress, for: configuration.transport)
        let url = "sip:\(Self.urlHost(configuration.bindAddress)):\(port)\(configuration.transport.bindParameter)"
        let startup = DispatchSemaphore(value: 0)
        let outcome = StartOutcome()
        // The thread holds the agent strongly until sofia has shut down.
        let thread = Thread { [self] in self.sofiaThread(url: url, startup: startup, outcome: outcome) }
        thread.name = "ringside-sip"
        thread.start()
        guard startup.wait(timeout: .now() + 10) == .success, outcome.ok else { throw SIPError.cannotStart(url: url) }
        lock.lock()
        running = true
        boundPort = port
        lock.unlock()
        logger.info("SIP listening on \(url) (\(configuration.transport))")
        if configuration.inbound.allowedNetworks != nil || configuration.inbound.authenticator != nil {
            logger.info("inbound calls: \(configuration.inbound)")
        }
    }

    /// Shuts sofia down (waiting for nua_r_shutdown on its thread) and ends `events`.
    public func shutdown() async {
        let wasRunning = lock.withLock {
            let was = running
            running = false
            return was
        }
        guard wasRunning else { continuation.finish(); return }
        enqueue { [self] in
            guard let nua else { return }
            // Hang up what is still up so peers hear BYE/CANCEL before the stack goes.
            for leg in legs.values { endLeg(leg) }
            nua_shutdown(nua)
        }
        let done = finished
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = done.wait(timeout: .now() + 15)
                c.resume()
            }
        }
        let failed = lock.withLock {
            let all = pending
            pending.removeAll()
            return all
        }
        for c in failed.values { c.resume(throwing: SIPError.notRunning) }
        continuation.finish()
    }

    // MARK: Calls

    /// Sends an INVITE to `uri` with `sdp` as the offer; events for it carry the returned call.
    /// `referredBy`: the call whose REFER this follows; its sender hears how this call goes in NOTIFYs.
    public func call(uri: String, sdp: String, referredBy: SIPCall? = nil) throws -> SIPCall {
        guard uri.hasPrefix("sip:") || uri.hasPrefix("sips:") else { throw SIPError.badURI(uri) }
        let call = SIPCall(id: try allocateID(), direction: .outgoing, remoteURI: uri, callID: nil)
        enqueue { [self] in
            guard let nua, let nh = rs_nua_handle_to(nua, Self.nameAddress(uri), nil) else {
                emit(.ended(call, reason: "cannot create a SIP handle for \(uri)"))
                return
            }
            legs[call.id] = CallLeg(call: call, handle: nh, localSDP: sdp)
            callByHandle[nh] = call.id
            if let referrer = referredBy.flatMap({ legs[$0.id] }), let event = referrer.referEvent {
                rs_nua_invite_referred(nh, sdp, referrer.handle, event)
            } else {
                rs_nua_invite(nh, sdp)
            }
        }
        return call
    }

    /// Answers a ringing incoming call with 200 OK and our SDP.
    public func answer(_ call: SIPCall, sdp: String) throws {
        try requireRunning()
        enqueue { [self] in
            guard var leg = legs[call.id], leg.state == .early else { return }
            leg.state = .answered
            leg.localSDP = sdp
            legs[call.id] = leg
            rs_nua_respond(leg.handle, 200, "OK", sdp)
        }
    }

    /// Sends a provisional response (180 Ringing, 183 Session Progress with early-media SDP).
    public func ring(_ call: SIPCall, status: Int = 180, phrase: String = "Ringing", sdp: String? = nil) throws {
        try requireRunning()
        enqueue { [self] in
            guard let leg = legs[call.id], leg.state == .early else { return }
            rs_nua_respond(leg.handle, Int32(status), phrase, sdp)
        }
    }

    /// Sends a re-INVITE with a new offer on an established call (hold with `a=sendonly`, resume with `a=sendrecv`).
    public func update(_ call: SIPCall, sdp: String) throws {
        try requireRunning()
        enqueue { [self] in
            guard var leg = legs[call.id], leg.state == .established else { return }
            leg.localSDP = sdp
            legs[call.id] = leg
            rs_nua_invite(leg.handle, sdp)
        }
    }

    /// Asks the peer of an established call to call `uri` instead (SIP REFER, a cold transfer); its
    /// progress arrives as `.transferProgress`.
    public func refer(_ call: SIPCall, to uri: String) throws {
        guard uri.hasPrefix("sip:") || uri.hasPrefix("sips:") else { throw SIPError.badURI(uri) }
        try requireRunning()
        enqueue { [self] in
            guard let leg = legs[call.id], leg.state == .established else {
                if let leg = legs[call.id] { emit(.transferProgress(leg.call, status: 481, phrase: "call not established")) }
                return
            }
            rs_nua_refer(leg.handle, Self.nameAddress(uri))
        }
    }

    /// Sends `text` to the peer of an established call as a SIP MESSAGE in its dialog (RFC 3428); the
    /// peer's answer is logged (a refusal also arrives as `.error`).
    public func message(_ call: SIPCall, text: String, contentType: String = "text/plain;charset=UTF-8") throws {
        try requireRunning()
        enqueue { [self] in
            guard let leg = legs[call.id], leg.state == .established else {
                emit(.error("\(call): no MESSAGE sent, the call is not established"))
                return
            }
            rs_nua_message(leg.handle, contentType, text)
        }
    }

    /// Refuses a ringing incoming call (486 Busy Here, 603 Decline…).
    public func reject(_ call: SIPCall, status: Int = 486, phrase: String = "Busy Here") throws {
        try requireRunning()
        enqueue { [self] in
            guard var leg = legs[call.id], leg.state == .early else { return }
            leg.endReason = "rejected with \(status) \(phrase)"
            legs[call.id] = leg
            rs_nua_respond(leg.handle, Int32(status), phrase, nil)
        }
    }

    /// Ends a call whatever its state: BYE once answered, CANCEL while our INVITE rings, 603 for an unanswered incoming call.
    public func hangUp(_ call: SIPCall) throws {
        try requireRunning()
        enqueue { [self] in
            guard let leg = legs[call.id] else { return }
            endLeg(leg)
        }
    }

    // MARK: Requests

    /// Sends OPTIONS to `uri` and returns the final response (a quick "is it alive" check).
    public func options(uri: String, timeout: Double = 5) async throws -> SIPResponse {
        guard uri.hasPrefix("sip:") || uri.hasPrefix("sips:") else { throw SIPError.badURI(uri) }
        try requireRunning()
        let id = try allocateID()
        let response: SIPResponse = try await withCheckedThrowingContinuation { c in
            lock.withLock { pending[id] = c }
            enqueue { [self] in
                guard let nua, let nh = rs_nua_handle_to(nua, Self.nameAddress(uri), nil) else {
                    resolve(id, .failure(SIPError.badURI(uri)))
                    return
                }
                requestByHandle[nh] = id
                rs_nua_options(nh)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                resolve(id, .failure(SIPError.timedOut(what: "OPTIONS to \(uri)", seconds: timeout)))
                // Drop the transaction so it does not hold up shutdown.
                enqueue { [self] in
                    guard let nh = requestByHandle.first(where: { $0.value == id })?.key else { return }
                    requestByHandle.removeValue(forKey: nh)
                    nua_handle_destroy(nh)
                }
            }
        }
        return response
    }

    /// Registers `aor` (e.g. `sip:alice@127.0.0.1:5070`) with `registrar` (nil: the registrar the AOR's host names);
    /// answers digest challenges with `credentials`. `expires` asks for a lifetime in seconds; nua refreshes
    /// the registration before it runs out, and each answer is a `.registration` event.
    public func register(aor: String, contactUser: String, registrar: String? = nil, expires: Int? = nil) throws {
        guard aor.hasPrefix("sip:") || aor.hasPrefix("sips:") else { throw SIPError.badURI(aor) }
        if let registrar, !(registrar.hasPrefix("sip:") || registrar.hasPrefix("sips:")) { throw SIPError.badURI(registrar) }
        try requireRunning()
        enqueue { [self] in
            guard let nua else { return }
            if registration == nil { registration = rs_nua_handle_to(nua, Self.nameAddress(aor), nil) }
            if let registration { rs_nua_register(registration, contactUser, registrar, expires.map(String.init)) }
        }
    }

    /// Removes the registration made by `register`.
    public func unregister() throws {
        try requireRunning()
        enqueue { [self] in if let registration { rs_nua_unregister(registration) } }
    }

    /// Removes the registration and waits (at most `timeout` seconds) for the registrar's final answer;
    /// nil when there was no registration or no answer came in time.
    public func unregister(timeout: Double) async -> SIPResponse? {
        guard let id = try? allocateID() else { return nil }
        return try? await withCheckedThrowingContinuation { (c: CheckedContinuation<SIPResponse, Error>) in
            lock.withLock { pending[id] = c }
            enqueue { [self] in
                guard let registration else { resolve(id, .failure(SIPError.notRunning)); return }
                unregisterRequest = id
                rs_nua_unregister(registration)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                resolve(id, .failure(SIPError.timedOut(what: "unregistering", seconds: timeout)))
            }
        }
    }

    // MARK: Plumbing

    private func requireRunning() throws {
        lock.lock()
        defer { lock.unlock() }
        guard running else { throw SIPError.notRunning }
    }

    private func allocateID() throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        guard running else { throw SIPError.notRunning }
        defer { nextID += 1 }
        return nextID
    }

    private func enqueue(_ command: @escaping () -> Void) {
        lock.lock()
        commands.append(command)
        let root = postRoot
        lock.unlock()
        guard let root else { return }
        if rs_root_post(root, sofiaWakeup, Unmanaged.passUnretained(self).toOpaque()) != 0 {
            logger.error("cannot post a command to the SIP thread")
        }
    }

    private func resolve(_ id: Int, _ result: Result<SIPResponse, Error>) {
        lock.lock()
        let c = pending.removeValue(forKey: id)
        lock.unlock()
        c?.resume(with: result)
    }

    private func emit(_ event: SIPEvent) {
        logger.debug("\(event)")
        continuation.yield(event)
    }

    /// A port free for every socket kind `transport` needs (closed on return; sofia binds it straight after).
    private static func freePort(address: String, for transport: SIPTransport) throws -> UInt16 {
        let probeAddress = address == "*" ? "0.0.0.0" : address
        var port: UInt16 = 0
        for _ in 0..<50 {
            port = try UDPSocket(address: probeAddress, port: 0).local.port
            if transport.probes.allSatisfy({ PortProbe.isFree(port: port, transport: $0, address: probeAddress) }) { return port }
        }
        return port
    }

    /// IPv6 literals go in brackets inside a SIP URL.
    private static func urlHost(_ address: String) -> String { address.contains(":") && !address.hasPrefix("[") ? "[\(address)]" : address }

    /// A URI as a To header value: in angle brackets, so its own parameters (`;transport=tcp`) stay in the URI.
    static func nameAddress(_ uri: String) -> String { uri.hasPrefix("<") ? uri : "<\(uri)>" }

    // MARK: Sofia thread

    private final class StartOutcome: @unchecked Sendable { var ok = false }

    private func sofiaThread(url: String, startup: DispatchSemaphore, outcome: StartOutcome) {
        su_init()
        defer { su_deinit() }
        rs_sofia_quiet_logs()
        guard let root = su_root_create(nil) else { startup.signal(); return }
        let magic = Unmanaged.passUnretained(self).toOpaque()
        guard let nua = rs_nua_create(root, url, configuration.userAgent, sofiaCallback, magic) else {
            su_root_destroy(root)
            startup.signal()
            return
        }
        self.root = root
        self.nua = nua
        if configuration.identity != nil || configuration.outboundProxy != nil {
            rs_nua_set_identity(nua, configuration.identity.map(Self.nameAddress), configuration.outboundProxy)
        }
        lock.withLock { postRoot = root }
        outcome.ok = true
        startup.signal()
        su_root_run(root)
        lock.withLock { postRoot = nil }
        drainCommands()
        // nua_r_shutdown has arrived (it broke the loop); destroying outside the callback is safe now.
        nua_destroy(nua)
        su_root_destroy(root)
        self.nua = nil
        self.root = nil
        finished.signal()
    }

    fileprivate func drainCommands() {
        lock.lock()
        let work = commands
        commands.removeAll()
        lock.unlock()
        for command in work { command() }
    }

    private func endLeg(_ leg: CallLeg) {
        switch (leg.state, leg.call.direction) {
        case (.answered, _), (.established, _):
            rs_nua_bye(leg.handle)
            mark(leg.call.id, reason: "hung up")
        case (.early, .outgoing):
            rs_nua_cancel(leg.handle)
            mark(leg.call.id, reason: "cancelled")
        case (.early, .incoming):
            rs_nua_respond(leg.handle, 603, "Decline", nil)
            mark(leg.call.id, reason: "declined")
        }
    }

    private func mark(_ id: Int, reason: String) {
        if legs[id]?.endReason == nil { legs[id]?.endReason = reason }
    }

    private func report(ended id: Int, fallback: String) {
        guard var leg = legs[id], !leg.endReported else { return }
        leg.endReported = true
        legs[id] = leg
        emit(.ended(leg.call, reason: leg.endReason ?? fallback))
    }

    fileprivate func handle(event: nua_event_t, status: Int, phrase: String, nh: OpaquePointer?, sip: UnsafePointer<sip_t>?,
                            tags: UnsafeMutablePointer<tagi_t>?) {
        let callID = nh.flatMap { callByHandle[$0] }
        switch event {
        case nua_i_invite:
            guard let nh else { return }
            if let id = callID, var leg = legs[id] {
                // A re-INVITE (hold, resume): answer with our SDP in the matching direction.
                let offer = Self.payload(sip)
                let answer = Self.reanswer(offer: offer, local: leg.localSDP)
                leg.localSDP = answer ?? leg.localSDP
                legs[id] = leg
                rs_nua_respond(nh, 200, "OK", leg.localSDP)
                if offer != nil { emit(.updated(leg.call, sdp: offer)) }
                return
            }
            incomingInvite(nh: nh, sip: sip)
        case nua_r_invite:
            guard let id = callID, var leg = legs[id] else { return }
            let body = Self.payload(sip)
            if status < 200 {
                if status > 100 { emit(.progress(leg.call, status: status, phrase: phrase, sdp: body)) }
            } else if status < 300 {
                if leg.state == .early {
                    leg.state = .answered
                    legs[id] = leg
                    emit(.answered(leg.call, answer: body))
                } else if leg.state == .established {
                    emit(.updated(leg.call, sdp: body))  // the answer to our re-INVITE
                }
            } else if (status == 401 || status == 407), let creds = configuration.credentials, let nh, !authTried.contains(nh) {
                authTried.insert(nh)
                rs_nua_authenticate(nh, creds.sofiaString(challengedRealm: Self.realm(sip)))
            } else {
                mark(id, reason: status == 487 ? (leg.endReason ?? "cancelled") : "\(status) \(phrase)")
                report(ended: id, fallback: "\(status) \(phrase)")
            }
        case nua_i_state:
            guard let id = callID else {
                if let nh, rs_callstate(tags) == Int32(nua_callstate_terminated.rawValue), screenedOut.remove(nh) != nil { nua_handle_destroy(nh) }
                return
            }
            let state = rs_callstate(tags)
            if state == Int32(nua_callstate_ready.rawValue), var leg = legs[id], leg.state != .established {
                leg.state = .established
                legs[id] = leg
                emit(.established(leg.call))
            } else if state == Int32(nua_callstate_terminated.rawValue) {
                report(ended: id, fallback: "\(status) \(phrase)")
                if let nh {
                    callByHandle.removeValue(forKey: nh)
                    authTried.remove(nh)
                    nua_handle_destroy(nh)
                }
                legs.removeValue(forKey: id)
            }
        case nua_i_bye:
            if let id = callID { mark(id, reason: "remote hung up"); report(ended: id, fallback: "remote hung up") }
        case nua_i_cancel:
            if let id = callID { mark(id, reason: "caller cancelled"); report(ended: id, fallback: "caller cancelled") }
        case nua_r_bye:
            if let id = callID { report(ended: id, fallback: "hung up") }
        case nua_r_options:
            guard status >= 200, let nh, let request = requestByHandle.removeValue(forKey: nh) else { return }
            resolve(request, .success(SIPResponse(status: status, phrase: phrase, server: Self.server(sip))))
            nua_handle_destroy(nh)
        case nua_r_register, nua_r_unregister:
            guard status >= 200 else { return }
            if (status == 401 || status == 407), let creds = configuration.credentials, let nh, !authTried.contains(nh) {
                authTried.insert(nh)
                rs_nua_authenticate(nh, creds.sofiaString(challengedRealm: Self.realm(sip)))
                return
            }
            if let nh { authTried.remove(nh) }
            let registered = event == nua_r_register && status < 300
            emit(.registration(registered: registered, status: status, phrase: phrase))
            if event == nua_r_unregister, let id = unregisterRequest {
                unregisterRequest = nil
                resolve(id, .success(SIPResponse(status: status, phrase: phrase, server: Self.server(sip))))
            }
        case nua_r_shutdown:
            if status >= 200, let root { su_root_break(root) }
        case nua_i_refer where callID != nil:
            var buf = [CChar](repeating: 0, count: 512)
            if let id = callID, let leg = legs[id], rs_sip_refer_to(sip, &buf, 512) > 0 {
                let target = String(nulTerminated: buf)
                var event = [CChar](repeating: 0, count: 128)
                legs[id]?.referEvent = rs_refer_event(tags, &event, 128) > 0 ? String(nulTerminated: event) : "refer"
                emit(.referred(leg.call, to: target))
            }
        case nua_r_refer:
            if status >= 300, let id = callID, let leg = legs[id] { emit(.transferProgress(leg.call, status: status, phrase: phrase)) }
        case nua_i_notify:
            // NOTIFY for our REFER: its body is a sipfrag status line, "SIP/2.0 200 OK".
            if let id = callID, let leg = legs[id], let frag = Self.payload(sip), let (code, text) = Self.sipfragStatus(frag) {
                emit(.transferProgress(leg.call, status: code, phrase: text))
            }
        case nua_i_message:
            // Answered here once the body is read: text is taken (200), anything else refused with why.
            guard let nh, let nua else { return }
            let contentType = rs_sip_content_type(sip).map { String(cString: $0) } ?? ""
            var parameters = [CChar](repeating: 0, count: 256)
            let screened = MessageScreen.text(contentType: contentType,
                                              parameters: rs_sip_content_type_params(sip, &parameters, 256) > 0 ? String(nulTerminated: parameters) : "",
                                              body: Self.body(sip))
            let leg = callID.flatMap { legs[$0] }
            switch screened.flatMap({ text in leg == nil ? .failure(MessageScreen.outsideACall) : .success(text) }) {
            case let .success(text):
                rs_nua_respond_current(nua, nh, 200, nil)
                // In a call's dialog: the peer passes text on, e.g. a supervisor's context.
                if let leg { emit(.message(leg.call, contentType: contentType, text: text)) }
            case let .failure(refusal):
                rs_nua_respond_current(nua, nh, Int32(refusal.status), refusal.headers)
                // Text outside a dialog (no one would read it) is a stranger's business: not a warning.
                logger.log(level: refusal == MessageScreen.outsideACall ? .debug : .warning,
                           "\(leg.map { "\($0.call)" } ?? "out of dialog"): MESSAGE refused with \(refusal.status): \(refusal.problem)")
                if let leg { emit(.messageRefused(leg.call, status: refusal.status, problem: refusal.problem)) }
            }
            // Out of dialog: the handle is ours to drop once answered.
            if callID == nil, requestByHandle[nh] == nil, nh != registration { nua_handle_destroy(nh) }
        case nua_r_message:
            if status >= 300, let id = callID, let leg = legs[id] { emit(.error("\(leg.call): the MESSAGE was refused: \(status) \(phrase)")) }
            else if status >= 200 { logger.debug("MESSAGE answered \(status) \(phrase)") }
        case nua_i_options, nua_i_method, nua_i_register, nua_i_publish, nua_i_subscribe, nua_i_refer:
            // Out-of-dialog requests nua has already answered: their handles are ours to drop, or they pile up.
            if let nh, callID == nil, requestByHandle[nh] == nil, nh != registration {
                logger.trace("\(String(cString: nua_event_name(event))) answered \(status)")
                nua_handle_destroy(nh)
            }
        case nua_i_error:
            emit(.error("\(status) \(phrase)"))
        default:
            logger.trace("sofia event \(String(cString: nua_event_name(event))) \(status) \(phrase)")
        }
    }

    /// Applies the inbound restrictions; true when the INVITE was answered here (401 or 403) and goes no further.
    private func screenedOutInvite(nh: OpaquePointer, sip: UnsafePointer<sip_t>?) -> (handled: Bool, user: String?) {
        let inbound = configuration.inbound
        guard inbound.allowedNetworks != nil || inbound.authenticator != nil else { return (false, nil) }
        var buf = [CChar](repeating: 0, count: 64)
        let source = nua.flatMap { rs_nua_request_source($0, &buf, 64) > 0 ? String(nulTerminated: buf) : nil }
        switch inbound.screen(source: source, method: "INVITE", requestURI: Self.requestURI(sip), authorization: Self.digestAuthorization(sip)) {
        case let .admit(user):
            return (false, user)
        case let .challenge(header):
            lock.withLock { challengeCount += 1 }
            logger.debug("challenging INVITE from \(source ?? "?") (401)")
            screenedOut.insert(nh)
            rs_nua_respond_challenge(nh, header)
        case let .refuse(refusal):
            lock.withLock { refusedCount += 1 }
            if let notice = refusal.notice { logger.warning("\(notice)") } else { logger.debug("\(refusal)") }
            screenedOut.insert(nh)
            rs_nua_respond_headers(nh, Int32(refusal.status), "Forbidden", refusal.retryAfter.map { "Retry-After: \($0)" } ?? "")
            emit(.refused(refusal))
        }
        return (true, nil)
    }

    private func incomingInvite(nh: OpaquePointer, sip: UnsafePointer<sip_t>?) {
        let screening = screenedOutInvite(nh: nh, sip: sip)
        if screening.handled { return }
        // A body that is not SDP, or an Accept that rules SDP out: nothing to negotiate with (RFC 3261 §21.4.13, §21.4.7).
        if let type = rs_sip_content_type(sip).map({ String(cString: $0) }), Self.payload(sip) != nil, type.lowercased() != "application/sdp" {
            logger.info("refusing an INVITE with a \(type) body (415)")
            screenedOut.insert(nh)
            rs_nua_respond_headers(nh, 415, "Unsupported Media Type", "Accept: application/sdp")
            return
        }
        if rs_sip_accepts_sdp(sip) == 0 {
            logger.info("refusing an INVITE whose Accept leaves out application/sdp (406)")
            screenedOut.insert(nh)
            rs_nua_respond_headers(nh, 406, "Not Acceptable", "Warning: 399 ringside \"answers are application/sdp, which the Accept header leaves out\"")
            return
        }
        let (isDraining, limit) = lock.withLock { (draining, configuration.maximumCalls) }
        let inProgress = legs.values.count(where: { $0.call.direction == .incoming && $0.endReason == nil })
        if isDraining || limit.map({ inProgress >= $0 }) == true {
            lock.withLock { busyCount += 1 }
            logger.info(isDraining ? "refusing a call: shutting down (503)" : "refusing a call: \(inProgress) calls in progress, the most allowed (503)")
            screenedOut.insert(nh)
            rs_nua_respond_headers(nh, 503, "Service Unavailable", "Retry-After: \(configuration.retryAfterSeconds)")
            return
        }
        guard let id = try? allocateIDOnSofiaThread() else {
            rs_nua_respond(nh, 503, "Service Unavailable", nil)
            return
        }
        let from = Self.uri(sip, from: true) ?? "sip:unknown"
        let callID = rs_sip_call_id(sip).map { String(cString: $0) }
        let call = SIPCall(id: id, direction: .incoming, remoteURI: from, callID: callID, transport: rs_sip_via_transport(sip).map { String(cString: $0) },
                           authenticatedUser: screening.user)
        let offer = Self.payload(sip)
        legs[id] = CallLeg(call: call, handle: nh)
        callByHandle[nh] = id
        let decision = configuration.incomingCallPolicy?(call, offer) ?? .ring
        emit(.incomingCall(call, offer: offer))
        switch decision {
        case let .answer(sdp):
            rs_nua_respond(nh, 180, "Ringing", nil)
            legs[id]?.state = .answered
            legs[id]?.localSDP = sdp
            rs_nua_respond(nh, 200, "OK", sdp)
        case .ring:
            rs_nua_respond(nh, 180, "Ringing", nil)
        case let .reject(status, phrase, headers):
            legs[id]?.endReason = "rejected with \(status) \(phrase)"
            rs_nua_respond_headers(nh, Int32(status), phrase, headers.joined(separator: "\r\n"))
        }
    }

    private func allocateIDOnSofiaThread() throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        defer { nextID += 1 }
        return nextID
    }

    /// Our previous SDP turned to answer a re-offer: direction per RFC 3264, version bumped.
    private static func reanswer(offer: String?, local: String?) -> String? {
        guard let offer, let local, let remote = try? SessionDescription(parsing: offer), let direction = remote.audioDirection,
              var ours = try? SessionDescription(parsing: local),
              let index = ours.media.firstIndex(where: { $0.media == "audio" && $0.port != 0 }) else { return nil }
        ours.media[index].direction = direction.answering
        ours.sessionVersion += 1
        return ours.text
    }

    /// The message body's bytes (empty when there is none).
    private static func body(_ sip: UnsafePointer<sip_t>?) -> [UInt8] {
        var length: Int32 = 0
        guard let data = rs_sip_payload(sip, &length), length > 0 else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) { Array(UnsafeBufferPointer(start: $0, count: Int(length))) }
    }

    private static func payload(_ sip: UnsafePointer<sip_t>?) -> String? {
        var length: Int32 = 0
        guard let data = rs_sip_payload(sip, &length), length > 0 else { return nil }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
        }
    }

    private static func uri(_ sip: UnsafePointer<sip_t>?, from: Bool) -> String? {
        var buf = [CChar](repeating: 0, count: 512)
        let n = from ? rs_sip_from_uri(sip, &buf, 512) : rs_sip_to_uri(sip, &buf, 512)
        guard n > 0, n < 512 else { return nil }
        return String(nulTerminated: buf)
    }

    /// The status of a `message/sipfrag` status line ("SIP/2.0 180 Ringing").
    static func sipfragStatus(_ text: String) -> (Int, String)? {
        let line = text.prefix { $0 != "\r" && $0 != "\n" }
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("SIP/"), let code = Int(parts[1]) else { return nil }
        return (code, parts.count > 2 ? String(parts[2]) : "")
    }

    private static func requestURI(_ sip: UnsafePointer<sip_t>?) -> String? {
        var buf = [CChar](repeating: 0, count: 512)
        let n = rs_sip_request_uri(sip, &buf, 512)
        guard n > 0, n < 512 else { return nil }
        return String(nulTerminated: buf)
    }

    private static func digestAuthorization(_ sip: UnsafePointer<sip_t>?) -> DigestAuthorization? {
        guard let scheme = rs_sip_authorization_scheme(sip), String(cString: scheme).lowercased() == "digest" else { return nil }
        var parameters: [String] = []
        for index in 0..<64 {
            guard let raw = rs_sip_authorization_param(sip, Int32(index)) else { break }
            parameters.append(String(cString: raw))
        }
        return DigestAuthorization(parameters: parameters)
    }

    private static func server(_ sip: UnsafePointer<sip_t>?) -> String? { rs_sip_server(sip).map { String(cString: $0) } }

    private static func realm(_ sip: UnsafePointer<sip_t>?) -> String? {
        guard let raw = rs_sip_challenge_realm(sip) else { return nil }
        return String(cString: raw).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}

/// nua's event callback: back into the agent named by `magic`, on the sofia thread.
private let sofiaCallback: nua_callback_f = { event, status, phrase, _, magic, nh, _, sip, tags in
    guard let magic else { return }
    let agent = Unmanaged<SIPUserAgent>.fromOpaque(magic).takeUnretainedValue()
    agent.handle(event: event, status: Int(status), phrase: phrase.map { String(cString: $0) } ?? "", nh: nh, sip: sip, tags: tags)
}

/// A posted message arrived on the sofia thread: run the queued commands.
private let sofiaWakeup: rs_root_function = { context in
    guard let context else { return }
    Unmanaged<SIPUserAgent>.fromOpaque(context).takeUnretainedValue().drainCommands()
}
