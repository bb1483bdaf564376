import Audio
import Foundation
import Logging
import RingsideCore
import Session

/// Calls a voice agent over SIP for the scenario runner (`ringside test --target sip:URI`): one
/// `SIPPhone` per call, so each call has its own port and its own event stream.
public struct SIPAgentDialer: RemoteAgentDialer {
    public let target: String
    public let databaseURL: URL?
    /// Bind address, codecs and rate of the calling phone (its port is picked per call when 0).
    public let phone: SIPPhoneConfiguration
    /// How long the far end may take to answer.
    public let answerTimeout: Double

    public init(target: String, phone: SIPPhoneConfiguration = SIPPhoneConfiguration(sip: SIPConfiguration(port: 0)), databaseURL: URL? = nil,
                answerTimeout: Double = 15) {
        self.target = target
        self.phone = phone
        self.databaseURL = databaseURL
        self.answerTimeout = answerTimeout
    }

    /// True when only G.711 is offered: whatever is agreed is telephone band.
    public var narrowband: Bool { phone.codecs.allSatisfy(\.isNarrowband) }

    public func dial(callID: String) async throws -> any RemoteAgentLine {
        var configuration = phone
        configuration.autoAnswer = false
        let sipPhone = SIPPhone(configuration: configuration, logger: Logger(label: "ringside.test.sip"))
        try sipPhone.start()
        do {
            let line = SIPAgentLine(phone: sipPhone, call: try sipPhone.dial(target))
            try await line.connect(timeout: answerTimeout)
            return line
        } catch {
            await sipPhone.shutdown()
            throw error
        }
    }
}

/// A connected SIP call seen as a `RemoteAgentLine`; watches the phone's events for the far end's hang-up.
final class SIPAgentLine: RemoteAgentLine, @unchecked Sendable {
    let phone: SIPPhone
    let call: PhoneCall
    private let state = LockedValue<(codec: MediaCodec?, ended: String?)>((nil, nil))
    private var watcher: Task<Void, Never>?

    init(phone: SIPPhone, call: PhoneCall) {
        self.phone = phone
        self.call = call
    }

    /// Waits (bounded) for `.connected`; throws `SIPError.callFailed` if the call ends or times out first.
    func connect(timeout: Double) async throws {
        let connected = LockedValue<Bool?>(nil)
        let events = phone.events
        watcher = Task { [state] in
            for await event in events {
                switch event {
                case let .connected(_, codec):
                    state.withLock { $0.codec = codec }
                    connected.withLock { $0 = $0 ?? true }
                case let .ended(_, reason):
                    state.withLock { $0.ended = reason }
                    connected.withLock { $0 = $0 ?? false }
                default: break
                }
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while connected.value == nil, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        guard connected.value == true else {
            call.hangUp()
            throw SIPError.callFailed(uri: call.sip.remoteURI, reason: state.value.ended ?? "no answer within \(Int(timeout)) s")
        }
    }

    var fromAgent: any AudioSource { call.media.source }
    var toAgent: any AudioSink { call.media.sink }
    var transport: String { "sip \(state.value.codec?.encodingName ?? "?")" }
    var endReason: String? { state.value.ended }
    var narrowband: Bool { state.value.codec?.isNarrowband ?? false }
    func sendDigits(_ digits: String) { for d in digits { call.sendDTMF(d) } }

    func hangUp() async {
        if endReason == nil { call.hangUp() }
        await phone.shutdown()
        watcher?.cancel()
    }
}
