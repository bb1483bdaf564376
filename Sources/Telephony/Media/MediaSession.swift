import Foundation
import Logging
import RingsideCore
import Audio
#if canImport(Glibc)
import Glibc
#endif

/// One call's audio over RTP: a UDP pair (RTP, RTCP = RTP+1) on an explicit address, the codec,
/// the jitter buffer, RTCP reports, RFC 4733 DTMF and statistics.
///
/// Create it before signalling (so its port can go into SDP), then `start(media:)` with what
/// offer/answer agreed. Audio goes in through `sink` and comes out of `source`, exactly like a
/// speaker and a microphone. One network thread per session sends a packet every 20 ms (silence
/// when nothing is queued) and receives; playout is paced by whoever reads `source`.
public final class MediaSession: @unchecked Sendable {
    public let configuration: MediaSessionConfiguration
    /// Where RTP is bound (the port to put into SDP).
    public let localEndpoint: UDPEndpoint
    /// Plays the far end's audio, 20 ms at a time.
    public let source: RTPAudioSource
    /// Sends audio to the far end.
    public let sink: RTPAudioSink

    private let rtp: UDPSocket
    private let rtcp: UDPSocket
    private let logger: Logger
    private let clock = MonotonicClock()
    private let lock = NSCondition()
    private let eventHandler: (@Sendable (MediaSessionEvent) -> Void)?
    private var thread: Thread?
    private var threadDone = DispatchSemaphore(value: 0)

    // Everything below is guarded by `lock`.
    private var media: NegotiatedMedia?
    private var remote: UDPEndpoint?
    private var remoteRTCP: UDPEndpoint?
    private var latched = false
    private var running = false
    private var stopped = false
    private var decoder: AudioPayloadCodec?
    private var encoder: AudioPayloadCodec?
    private var jitter = JitterBuffer()
    private var receiveStats = RTPReceiverStatistics()
    private var remoteSSRC: UInt32?
    /// A re-INVITE may bring a new stream: the next new SSRC is taken at once (once).
    private var acceptNewSSRC = false
    /// A new SSRC seen while the current one is quiet: taken when its next packet follows (probation).
    private var ssrcCandidate: (ssrc: UInt32, next: UInt16)?
    /// Packets from elsewhere than the peer, or from another stream while the peer's is live: dropped.
    private var strayPackets = 0
    /// Where the peer's SDP said its media is (a re-INVITE naming another place re-latches).
    private var sdpEndpoint: UDPEndpoint?
    /// Another source seen while the latched one is quiet: followed when its next packet follows on.
    private var sourceCandidate: (source: UDPEndpoint, next: UInt16)?
    private var sendQueue: [AudioFrame] = []
    private var dtmfQueue: [Character] = []
    /// The digit being sent: its remaining packets, one per tick, all stamped with its start.
    private var dtmfSending: (packets: [DTMFSender.Packet], timestamp: UInt32)?
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequence = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    private var packetsSent = 0
    private var octetsSent = 0
    private var heldPacket: [UInt8]?
    private var lastReceived: MediaTime?
    private var startedAt: MediaTime = .zero
    private var lastSR: (compact: UInt32, at: MediaTime)?
    private var rttSeconds: Double?
    private var remoteReport: RTCPReportBlock?
    private var rtcpErrors = 0
    private var rtpErrors = 0
    private var timedOut = false
    private var dtmfReceiver = DTMFReceiver()
    private var inBandDTMF = InBandDTMFDetector()
    private var playoutNext: MediaTime?
    /// Relaying (`arrivedFrame`): when the last frame was handed on, and whether that was silence
    /// filled in for a far end that has stopped sending.
    private var relayedAt: MediaTime?
    private var relayFilling = false
    /// Sending each frame as it is written (`sendsOnWrite`), and when the last one went.
    private var writerPaced = false
    private var lastWrittenAt: MediaTime?

    /// Binds the sockets. `events` hears DTMF digits and symmetric-RTP latching, on the network thread.
    public init(configuration: MediaSessionConfiguration = MediaSessionConfiguration(), logger: Logger = Logger(label: "ringside.rtp"),
                events: (@Sendable (MediaSessionEvent) -> Void)? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        eventHandler = events
        (rtp, rtcp) = try UDPSocket.pair(address: configuration.localAddress, port: configuration.localPort)
        localEndpoint = rtp.local
        source = RTPAudioSource(rate: configuration.rate)
        sink = RTPAudioSink(rate: configuration.rate)
        source.attach(self)
        sink.attach(self)
    }

    deinit { stop() }

    /// A local offer listing `codecs` at this session's address and port.
    public func offer(codecs: [MediaCodec] = [.opus, .pcmu, .pcma], direction: MediaDirection = .sendrecv) -> SessionDescription {
        SessionDescription.offer(address: localEndpoint.address, port: localEndpoint.port, codecs: codecs, direction: direction)
    }

    /// Starts sending and receiving with the negotiated codec towards the peer's SDP address
    /// (replaced by the packets' real source once they arrive: symmetric RTP).
    public func start(media: NegotiatedMedia) throws {
        let dec = try AudioPayloadCodec(codec: media.codec, rate: configuration.rate)
        let enc = try AudioPayloadCodec(codec: media.codec, rate: configuration.rate)
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        let restarting = self.media != nil
        self.media = media
        let named = UDPEndpoint(address: media.remoteAddress, port: media.remotePort)
        if restarting, named != sdpEndpoint, media.remoteAddress != "0.0.0.0" {
            latched = false  // the peer moved its media: follow it
        }
        if media.remoteAddress != "0.0.0.0" { sdpEndpoint = named }
        if !latched, media.remoteAddress != "0.0.0.0" {
            remote = UDPEndpoint(address: media.remoteAddress, port: media.remotePort)
            remoteRTCP = UDPEndpoint(address: media.remoteAddress, port: media.remotePort &+ 1)
        }
        decoder = dec
        encoder = enc
        if restarting {
            // re-INVITE (new codec or direction, e.g. off hold): same thread; the RTP timeout starts afresh.
            startedAt = clock.now()
            lastReceived = nil
            acceptNewSSRC = true
            return
        }
        running = true
        startedAt = clock.now()
        let t = Thread { [weak self] in self?.networkLoop() }
        t.name = "ringside-rtp-\(localEndpoint.port)"
        thread = t
        t.start()
    }

    /// Stops the network thread and closes nothing else (the sockets close when the session goes).
    public func stop() {
        sendRTCP(goodbye: true)
        lock.lock()
        let wasRunning = running
        running = false
        stopped = true
        lock.broadcast()
        lock.unlock()
        if wasRunning { _ = threadDone.wait(timeout: .now() + 2) }
    }

    /// Sends one RFC 4733 digit (about 100 ms) in place of audio.
    public func sendDTMF(_ digit: Character) {
        lock.lock()
        dtmfQueue.append(digit)
        lock.unlock()
    }

    /// Quality per direction: what we received ("in") and what the peer reported about our stream ("out").
    public func statistics() -> (received: RTPStats, sent: RTPStats) {
        lock.lock()
        defer { lock.unlock() }
        let codec = media?.codec ?? .pcmu
        let name = codec.encodingName
        let rtt = rttSeconds.map { $0 * 1000 }
        let oneWay = (rtt ?? 0) / 2 + jitter.targetDepth.milliseconds + 20
        let expected = max(1, receiveStats.expected)
        let lossIn = Double(max(0, receiveStats.cumulativeLost)) / Double(expected) * 100
        let received = RTPStats(direction: .received, codec: name, packets: receiveStats.received, lost: max(0, receiveStats.cumulativeLost),
                                jitterMs: Double(receiveStats.jitter) / Double(codec.clockRate) * 1000, rttMs: rtt,
                                jitterBufferMs: jitter.targetDepth.milliseconds,
                                mos: receiveStats.received > 0 ? EModel.mos(codec: codec, lossPercent: lossIn, oneWayDelayMs: oneWay) : nil)
        let reportedLost = Int(remoteReport?.cumulativeLost ?? 0)
        let lossOut = packetsSent > 0 ? Double(max(0, reportedLost)) / Double(packetsSent) * 100 : 0
        let sent = RTPStats(direction: .sent, codec: name, packets: packetsSent, lost: max(0, reportedLost),
                            jitterMs: Double(remoteReport?.jitter ?? 0) / Double(codec.clockRate) * 1000, rttMs: rtt, jitterBufferMs: nil,
                            mos: remoteReport.map { _ in EModel.mos(codec: codec, lossPercent: lossOut, oneWayDelayMs: (rtt ?? 0) / 2 + 40) })
        return (received, sent)
    }

    /// Both directions' statistics as call events (`.rtpStats`), for the call's event stream; `leg`
    /// names this call's leg when it is one of two (a supervised call).
    public func statisticsPayloads(leg: String? = nil) -> [CallEventPayload] {
        var (received, sent) = statistics()
        received.leg = leg
        sent.leg = leg
        return [.rtpStats(received), .rtpStats(sent)]
    }

    /// What the playout made of the packets: arrived too late to play, frames concealed, frames dropped
    /// to keep up with the sender's clock, and times it ran dry.
    public var playout: (late: Int, concealed: Int, droppedForDrift: Int, underruns: Int) {
        lock.withLock { (jitter.latePackets, jitter.concealedFrames, jitter.droppedForDrift, jitter.underruns) }
    }

    /// Counts of datagrams that were not valid RTP or RTCP (garbage is counted, never fatal).
    public var malformedPackets: (rtp: Int, rtcp: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (rtpErrors, rtcpErrors)
    }

    /// Packets not played for where they came from: `stray` from another address or an unconfirmed
    /// other stream (SSRC), `jumped` with a sequence number too far from the stream's; and how often
    /// the playout followed a stream whose numbering really jumped.
    public var discardedPackets: (stray: Int, jumped: Int, resyncs: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (strayPackets, jitter.discardedJumps, jitter.resyncs)
    }

    /// True once the far end has been silent past the RTP timeout (the call is being ended for it).
    public var peerTimedOut: Bool {
        lock.lock()
        defer { lock.unlock() }
        return timedOut
    }

    /// The peer RTP is being sent to (after symmetric latching, where packets really come from).
    public var remoteEndpoint: UDPEndpoint? {
        lock.lock()
        defer { lock.unlock() }
        return remote
    }

    // MARK: Sink side

    /// While true (a bridge forwarding audio as it arrives), a frame written is sent at once instead of
    /// at the next 20 ms tick, whose phase has nothing to do with the other leg's (up to a frame of
    /// delay, and a standing queue after any burst); the tick only sends silence once writes stop.
    var sendsOnWrite: Bool {
        get { lock.withLock { writerPaced } }
        set {
            lock.withLock {
                writerPaced = newValue
                lastWrittenAt = nil
            }
        }
    }

    func enqueue(_ frame: AudioFrame) throws {
        // The encoder takes every frame for one of the session's rate: another rate's samples would
        // leave at the wrong speed and packet rate (8 kHz frames in a 16 kHz session: half the packets).
        guard frame.rate == configuration.rate else {
            throw MediaSessionError.wrongRate(expected: configuration.rate.rawValue, got: frame.rate.rawValue)
        }
        lock.lock()
        if writerPaced {
            lastWrittenAt = clock.now()
            let (datagrams, to) = (packets(carrying: frame), remote)
            lock.unlock()
            if let to { for d in datagrams { rtp.send(d, to: to) } }
            return
        }
        defer { lock.unlock() }
        var waited = 0
        while running && sendQueue.count >= configuration.sendQueueFrames && waited < 50 {
            _ = lock.wait(until: Date().addingTimeInterval(0.02))
            waited += 1
        }
        sendQueue.append(frame)
        if sendQueue.count > configuration.sendQueueFrames * 4 { sendQueue.removeFirst(sendQueue.count - configuration.sendQueueFrames) }
    }

    var queuedDuration: MediaTime {
        lock.lock()
        defer { lock.unlock() }
        return MediaTime(nanoseconds: Int64(sendQueue.count) * AudioFrame.duration.nanoseconds)
    }

    func discardQueued() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let n = sendQueue.count
        sendQueue.removeAll()
        lock.broadcast()
        return n
    }

    // MARK: Source side

    /// The next playout frame: waits for its 20 ms slot if `wait`, else nil when the slot has not come.
    func playoutFrame(wait: Bool) throws -> AudioFrame? {
        try detectingInBandDTMF(try decodePlayout(wait: wait))
    }

    /// How long a relay waits for a packet that is late (nothing after it has come) before it fills
    /// in silence: the far end has stopped sending (a pause, hold), not merely sent late. A packet held
    /// up on a loaded machine (the far end's sender, the network, this reader) is forwarded when it
    /// comes: filling its slot at once put 20 ms of digital silence into the middle of words and the
    /// packet after it (the relay's first version garbled speech this way on a loaded machine).
    static let relayGrace = MediaTime.milliseconds(120)

    /// The far end's next frame as soon as its packet arrives, for a bridge that forwards audio at once:
    /// the far end's own jitter buffer absorbs the network's jitter, and a second one here would only
    /// add its depth as delay. A packet missing while later ones are here (lost) is concealed a frame
    /// after it was due; nothing at all for `relayGrace` (a pause, hold) gives silence every 20 ms, so
    /// frames keep coming whatever the far end does. Of packets that piled up meanwhile (the reader
    /// was held up) at most `backlog` are forwarded.
    func arrivedFrame(backlog: Int) throws -> AudioFrame? {
        try detectingInBandDTMF(try decodeArrived(backlog: backlog))
    }

    private func detectingInBandDTMF(_ frame: AudioFrame?) -> AudioFrame? {
        guard let frame, configuration.detectInBandDTMF else { return frame }
        let digit = lock.withLock { inBandDTMF.process(frame) }
        if let digit { eventHandler?(.dtmf(digit: digit)) }
        return frame
    }

    private func decodeArrived(backlog: Int) throws -> AudioFrame? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            guard !stopped else { return nil }
            let now = clock.now()
            try checkPeerSending(now: now)
            if let decoder, let payload = jitter.popArrived(backlog: backlog) {
                (relayedAt, relayFilling) = (now, false)
                if let frame = try? decoder.decode(payload, timestamp: now) { return frame }
                return try decoder.conceal(next: nil, timestamp: now)
            }
            let last = relayedAt ?? now
            relayedAt = last
            // A hole (a later packet is here): a frame's grace for one reordered on its way. Filling in
            // already: the 20 ms grid. Else the packet is late: wait for it.
            let grace = jitter.awaitsMissingPacket ? AudioFrame.duration + AudioFrame.duration
                : relayFilling ? AudioFrame.duration : Self.relayGrace
            let giveUp = last + grace
            if now >= giveUp {
                // Frames keep to their grid (a wake-up a little late is caught up, or the pace would slip);
                // held up for longer (the reader was busy), the slots missed are not made up in a burst.
                relayedAt = now - giveUp > .milliseconds(60) ? now : giveUp
                guard let decoder, case let .lost(next) = jitter.skipArrived() else {
                    relayFilling = true
                    return .silence(rate: configuration.rate, at: now)
                }
                return try decoder.conceal(next: next, timestamp: now)
            }
            _ = lock.wait(until: Date().addingTimeInterval((giveUp - now).seconds))
        }
    }

    /// Throws (once the far end has been silent past the RTP timeout, not on hold) `peerStoppedSending`. Under `lock`.
    private func checkPeerSending(now: MediaTime) throws {
        let reference = lastReceived ?? startedAt
        // On hold (the peer sendonly, recvonly or inactive; c=0.0.0.0) it may rightly send nothing: no timeout then.
        if let media, media.direction == .sendrecv, media.remoteAddress != "0.0.0.0", now - reference > configuration.rtpTimeout {
            timedOut = true
            throw MediaSessionError.peerStoppedSending(timeout: configuration.rtpTimeout.seconds, peer: configuration.peerName,
                                                       address: remote?.description ?? "no address yet")
        }
    }

    private func decodePlayout(wait: Bool) throws -> AudioFrame? {
        lock.lock()
        guard !stopped else { lock.unlock(); return nil }
        let now = clock.now()
        var due = playoutNext ?? now
        if now - due > .milliseconds(200) { due = now }  // the reader fell behind: do not burst
        if due > now {
            guard wait else { lock.unlock(); return nil }
            lock.unlock()
            let ns = (due - now).nanoseconds
            var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
            var rest = timespec()
            while nanosleep(&ts, &rest) != 0 && errno == EINTR { ts = rest }
            lock.lock()
            guard !stopped else { lock.unlock(); return nil }
        }
        defer { lock.unlock() }
        playoutNext = due + AudioFrame.duration
        try checkPeerSending(now: clock.now())
        guard let decoder else { return .silence(rate: configuration.rate, at: due) }
        let frame = try Self.decode(jitter.pop(), with: decoder, at: due, rate: configuration.rate)
        // Too much waiting (the sender is faster, or this reader was held up): a quiet frame goes, not a word's piece.
        guard let instead = jitter.shedAfterPop(quiet: { AudioLevel(frame: frame).rms < Self.quietFrameRMS }) else { return frame }
        return try Self.decode(instead, with: decoder, at: due, rate: configuration.rate)
    }

    /// A frame below this RMS (−40 dBFS) is a pause between words, spared for dropping to keep the delay down.
    static let quietFrameRMS = 0.01

    private static func decode(_ output: JitterBufferOutput, with decoder: AudioPayloadCodec, at due: MediaTime, rate: SampleRate) throws -> AudioFrame {
        switch output {
        case let .packet(payload):
            if let frame = try? decoder.decode(payload, timestamp: due) { return frame }
            return try decoder.conceal(next: nil, timestamp: due)
        case let .lost(next):
            return try decoder.conceal(next: next, timestamp: due)
        case .empty:
            return .silence(rate: rate, at: due)
        }
    }

    // MARK: Network thread

    private func networkLoop() {
        defer { threadDone.signal() }
        // Media must leave and arrive on time even when speech engines load the machine: ask for a
        // better nice value for this thread (allowed for root or with CAP_SYS_NICE; else unchanged).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -10)  // on Linux, who = 0 is the calling thread
        var nextSend = clock.now()
        var nextRTCP = clock.now() + min(.seconds(1), configuration.rtcpInterval)
        while true {
            lock.lock()
            let keepGoing = running
            lock.unlock()
            guard keepGoing else { return }
            let wait = max(0, (nextSend - clock.now()).milliseconds)
            var fds = [pollfd(fd: rtp.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: rtcp.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, Int32(wait.rounded(.up)))
            while let (bytes, from) = rtp.receive() { handleRTP(bytes, from: from) }
            while let (bytes, _) = rtcp.receive() { handleRTCP(bytes) }
            let now = clock.now()
            if now >= nextSend {
                sendTick()
                nextSend += AudioFrame.duration
                if now - nextSend > .milliseconds(100) { nextSend = now }  // we were descheduled; do not burst
            }
            if now >= nextRTCP {
                sendRTCP()
                nextRTCP = now + configuration.rtcpInterval
            }
        }
    }

    private func handleRTP(_ bytes: [UInt8], from: UDPEndpoint) {
        guard let packet = try? RTPPacket(parsing: bytes) else {
            lock.lock(); rtpErrors += 1; lock.unlock()
            return
        }
        var event: MediaSessionEvent?
        var digit: Character?
        lock.lock()
        guard let media else { lock.unlock(); return }
        let now = clock.now()
        if !latched {
            latched = true
            remote = from
            remoteRTCP = UDPEndpoint(address: from.address, port: from.port &+ 1)
            event = .peerLatched(from)
        } else if from != remote {
            // Only the peer's packets are played: anything else is someone else's (or an attack). The peer
            // may move, though (a NAT rebinding, Wi-Fi to mobile): packets from the address its SDP named
            // are always the peer's, and another source is followed once the latched one has gone quiet
            // for 0.5 s and the newcomer's next packet follows on (probation, as for a new SSRC).
            let quiet = lastReceived.map { now - $0 >= .milliseconds(500) } ?? true
            let confirmed = quiet && sourceCandidate.map { $0.source == from && $0.next == packet.sequenceNumber } == true
            guard from == sdpEndpoint || confirmed else {
                if quiet { sourceCandidate = (from, packet.sequenceNumber &+ 1) }
                strayPackets += 1
                lock.unlock()
                return
            }
            sourceCandidate = nil
            remote = from
            remoteRTCP = UDPEndpoint(address: from.address, port: from.port &+ 1)
            event = .peerLatched(from)
        }
        if let known = remoteSSRC, known != packet.ssrc, packet.payloadType == media.payloadType {
            // Another stream from the peer's address: taken once after a re-INVITE, or when the current
            // stream has gone quiet and the new one's next packet follows on (RFC 3550 probation);
            // otherwise dropped, so injected packets cannot take the call's audio over.
            let quiet = lastReceived.map { now - $0 >= .milliseconds(500) } ?? true
            let confirmed = quiet && ssrcCandidate.map { $0.ssrc == packet.ssrc && $0.next == packet.sequenceNumber } == true
            guard acceptNewSSRC || confirmed else {
                if quiet { ssrcCandidate = (packet.ssrc, packet.sequenceNumber &+ 1) }
                strayPackets += 1
                lock.unlock()
                return
            }
            acceptNewSSRC = false
            ssrcCandidate = nil
            jitter.reset()
            receiveStats = RTPReceiverStatistics()
        }
        if packet.payloadType == media.payloadType { remoteSSRC = packet.ssrc }
        lastReceived = now
        if packet.payloadType == media.payloadType {
            let arrival = UInt32(truncatingIfNeeded: Int64(now.seconds * Double(media.codec.clockRate)))
            receiveStats.record(sequence: packet.sequenceNumber, rtpTimestamp: packet.timestamp, arrival: arrival)
            jitter.insert(sequence: packet.sequenceNumber, payload: packet.payload, arrival: now)
            lock.broadcast()  // a relay waits for it (`arrivedFrame`)
        } else if packet.payloadType == media.telephoneEventPayloadType {
            digit = dtmfReceiver.receive(timestamp: packet.timestamp, payload: packet.payload)
        }
        lock.unlock()
        if let event { eventHandler?(event) }
        if let digit {
            logger.debug("DTMF \(digit) from \(from)")
            eventHandler?(.dtmf(digit: digit))
        }
    }

    private func handleRTCP(_ bytes: [UInt8]) {
        guard let packets = try? RTCPPacket.parseCompound(bytes) else {
            lock.lock(); rtcpErrors += 1; lock.unlock()
            return
        }
        let arrivalNTP = NTPTime.now()
        var leaving = false
        lock.lock()
        for p in packets {
            var blocks: [RTCPReportBlock] = []
            switch p {
            case let .senderReport(_, sender, reports):
                lastSR = (sender.compactNTP, clock.now())
                blocks = reports
            case let .receiverReport(_, reports):
                blocks = reports
            case let .goodbye(ssrcs):
                leaving = leaving || remoteSSRC.map(ssrcs.contains) ?? false
            case .other:
                break
            }
            for b in blocks where b.ssrc == ssrc {
                remoteReport = b
                if let rtt = b.roundTrip(arrivalNTP: arrivalNTP) { rttSeconds = rtt }
            }
        }
        lock.unlock()
        eventHandler?(.rtcpReceived)
        if leaving { eventHandler?(.peerSaidGoodbye) }
    }

    private func sendTick() {
        lock.lock()
        // A writer sending its frames itself: the tick fills in only once it has stopped for longer than a
        // relay waits for a late packet (filling in sooner would put silence into the middle of its words).
        if writerPaced, let last = lastWrittenAt, clock.now() - last < Self.relayGrace + .milliseconds(80) {
            lock.unlock()
            return
        }
        let frame = sendQueue.isEmpty ? AudioFrame.silence(rate: configuration.rate, at: .zero) : sendQueue.removeFirst()
        lock.broadcast()
        let (datagrams, to) = (packets(carrying: frame), remote)
        lock.unlock()
        if let to { for d in datagrams { rtp.send(d, to: to) } }
    }

    /// The datagrams that carry `frame` (or, while a digit is being sent, its telephone-event packet in
    /// its place); none before the media is agreed. Under `lock`.
    private func packets(carrying frame: AudioFrame) -> [[UInt8]] {
        guard let media, let encoder, remote != nil else { return [] }
        var datagrams: [[UInt8]] = []
        if dtmfSending == nil, let digit = dtmfQueue.first, media.telephoneEventPayloadType != nil, media.direction.sends {
            dtmfQueue.removeFirst()
            if let packets = DTMFSender.packets(for: digit, clockRate: media.telephoneEventClockRate), !packets.isEmpty {
                dtmfSending = (packets, timestamp)
            }
        }
        if var sending = dtmfSending, let te = media.telephoneEventPayloadType {
            // One telephone-event packet per 20 ms in place of audio, all with the event's start timestamp.
            let p = sending.packets.removeFirst()
            let rtpPacket = RTPPacket(payloadType: te, marker: p.marker, sequenceNumber: sequence, timestamp: sending.timestamp, ssrc: ssrc,
                                      payload: p.event.serialized())
            sequence &+= 1
            packetsSent += 1
            octetsSent += TelephoneEvent.payloadSize
            datagrams.append(rtpPacket.serialized())
            dtmfSending = sending.packets.isEmpty ? nil : sending
            timestamp &+= media.codec.samplesPerFrame
        } else {
            if media.direction.sends, let payload = try? encoder.encode(frame) {
                let packet = RTPPacket(payloadType: media.payloadType, marker: packetsSent == 0, sequenceNumber: sequence,
                                       timestamp: timestamp, ssrc: ssrc, payload: payload)
                let index = Int(sequence)
                sequence &+= 1
                let bytes = packet.serialized()
                packetsSent += 1
                octetsSent += payload.count
                let impairment = configuration.impairment
                if let n = impairment.dropEvery, n > 0, index % n == 0 {
                    // dropped on purpose
                } else if let n = impairment.swapEvery, n > 0, index % n == 0, heldPacket == nil {
                    heldPacket = bytes
                } else {
                    datagrams.append(bytes)
                    if let held = heldPacket { datagrams.append(held); heldPacket = nil }
                }
            }
            timestamp &+= media.codec.samplesPerFrame
        }
        return datagrams
    }

    private func sendRTCP(goodbye: Bool = false) {
        lock.lock()
        guard media != nil, running, let to = remoteRTCP else { lock.unlock(); return }
        var reports: [RTCPReportBlock] = []
        if let peer = remoteSSRC {
            let lsr = lastSR?.compact ?? 0
            let dlsr = lastSR.map { UInt32(max(0, (clock.now() - $0.at).seconds) * 65536) } ?? 0
            reports.append(receiveStats.makeReportBlock(ssrc: peer, lastSR: lsr, delaySinceLastSR: dlsr))
        }
        let packet: RTCPPacket
        if packetsSent > 0 {
            let info = RTCPSenderInfo(ntpTimestamp: NTPTime.now(), rtpTimestamp: timestamp, packetCount: UInt32(truncatingIfNeeded: packetsSent),
                                      octetCount: UInt32(truncatingIfNeeded: octetsSent))
            packet = .senderReport(ssrc: ssrc, sender: info, reports: reports)
        } else {
            packet = .receiverReport(ssrc: ssrc, reports: reports)
        }
        lock.unlock()
        rtcp.send(RTCPPacket.compound(goodbye ? [packet, .goodbye(ssrcs: [ssrc])] : [packet]), to: to)
    }
}
