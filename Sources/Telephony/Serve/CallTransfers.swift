import Agent
import Foundation
import Logging
import RingsideCore
import Session

/// What `ringside serve` does when the agent hands a caller on and the agent file names a transfer
/// (`escalation: {target: sip:…, transfer: refer|bridge}`), once the handoff line has been heard:
///
/// - `refer` (cold): the caller is sent a SIP REFER to the target; the call ends when the NOTIFY says
///   the target answered (or the caller hangs up). A failed REFER leaves the caller on hold for an operator.
/// - `bridge` (warm): serve calls the target itself; once it answers, the agent falls silent and the two
///   calls' audio is joined both ways until either side hangs up. A target that does not answer leaves
///   the caller on hold for an operator.
final class CallTransfers: @unchecked Sendable {
    private struct Bridge {
        let served: AgentCallServer.ServedCall
        let line: CallAudioLine
        let target: PhoneCall
        var audio: AudioBridge?
    }

    private let phone: SIPPhone
    private let logger: Logger
    /// Bridges by either of their calls (caller and target both map to the same entry's key: the target).
    private let bridges = LockedValue<[ObjectIdentifier: Bridge]>([:])
    private let targetOf = LockedValue<[ObjectIdentifier: ObjectIdentifier]>([:])

    init(phone: SIPPhone, logger: Logger) {
        self.phone = phone
        self.logger = logger
    }

    /// Whether calls of this agent must stay up after the handoff line (so the transfer can happen).
    static func holdsOnHandoff(agentDirectory: URL) -> Bool {
        guard let definition = try? AgentLoader.load(directory: agentDirectory) else { return false }
        return definition.escalation.transfer != .operator
    }

    /// Watches a served call for the agent's escalation and hands the caller on after the handoff line.
    func watch(_ served: AgentCallServer.ServedCall, line: CallAudioLine) {
        let escalation = served.call.definition.escalation
        guard escalation.transfer != .operator else { return }
        let bus = served.call.bus
        // The turn the agent escalated in, once it has; whether the caller has been handed on.
        let state = LockedValue((turn: Int?.none, handed: false))
        bus.observe(name: "transfers") { [self] event in
            switch event.payload {
            case let .escalated(summary, _):
                state.withLock { $0.turn = event.turn }
                logger.notice("call \(bus.callID) handed to \(escalation.target) (\(escalation.transfer.rawValue)): \(summary)")
            case .playoutFinished:
                // After the handoff line has been played: the caller hears where they are going first.
                let due = state.withLock { s -> Bool in
                    guard let turn = s.turn, event.turn >= turn, !s.handed else { return false }
                    s.handed = true
                    return true
                }
                // The transfer signals and waits on SIP: not on this observer's queue, which the call drains at its end.
                if due { Task { self.handOn(served, line: line, escalation: escalation) } }
            default:
                break
            }
        }
    }

    private func handOn(_ served: AgentCallServer.ServedCall, line: CallAudioLine, escalation: EscalationTarget) {
        let bus = served.call.bus
        do {
            switch escalation.transfer {
            case .refer:
                bus.emit(.sip, .sipState(.transferring(target: escalation.target, method: .refer)))
                try phone.transfer(served.phoneCall, to: escalation.target)
            case .bridge:
                bus.emit(.sip, .sipState(.transferring(target: escalation.target, method: .bridge)))
                let target = try phone.dial(escalation.target)
                bridges.withLock { $0[ObjectIdentifier(target)] = Bridge(served: served, line: line, target: target) }
                targetOf.withLock {
                    $0[ObjectIdentifier(target)] = ObjectIdentifier(target)
                    $0[ObjectIdentifier(served.phoneCall)] = ObjectIdentifier(target)
                }
            case .operator:
                break
            }
        } catch {
            bus.emit(.sip, .error("cannot transfer to \(escalation.target): \(error); the caller stays on hold for an operator"))
        }
    }

    /// A NOTIFY (or the REFER's failure) for a served call: 2xx ends the call, a failure keeps it for an operator.
    func progressed(_ served: AgentCallServer.ServedCall, status: Int, phrase: String, end: () -> Void) {
        let target = served.call.definition.escalation.target
        let bus = served.call.bus
        switch status {
        case 200..<300:
            bus.emit(.sip, .sipState(.transferred(to: target)))
            end()
        case 300...:
            bus.emit(.sip, .error("the transfer to \(target) failed (\(status) \(phrase)); the caller stays on hold for an operator"))
        default:
            bus.emit(.sip, .sipState(.transferProgress(status: status, phrase: phrase)))
        }
    }

    /// True when `call` is a bridge's target leg (serve's own outgoing call), whose answer joins the audio.
    /// `release` takes the caller's call away from the agent (true if it was still being served).
    func connected(_ call: PhoneCall, release: (PhoneCall) -> Bool) -> Bool {
        guard var bridge = bridges.value[ObjectIdentifier(call)] else { return false }
        let bus = bridge.served.call.bus
        guard release(bridge.served.phoneCall) else {
            call.hangUp()  // the caller left while the target was ringing
            return true
        }
        bus.emit(.sip, .sipState(.bridged(to: call.sip.remoteURI)))
        bridge.line.detach()
        bridge.served.call.session.send(.hangUp)  // the agent's part ends; the caller's RTP stays up
        bridge.audio = AudioBridge(bridge.served.phoneCall.media, call.media, name: bridge.served.call.bus.callID)
        bridges.withLock { $0[ObjectIdentifier(call)] = bridge }
        logger.notice("call \(bus.callID) bridged to \(call.sip.remoteURI)")
        return true
    }

    /// True when `call` belongs to a bridge (either side), which ends with it: the other side is hung up.
    func ended(_ call: PhoneCall, reason: String) -> Bool {
        guard let key = targetOf.withLock({ $0.removeValue(forKey: ObjectIdentifier(call)) }),
              let bridge = bridges.withLock({ $0.removeValue(forKey: key) }) else { return false }
        targetOf.withLock { map in map = map.filter { $0.value != key } }
        bridge.audio?.stop()
        let bus = bridge.served.call.bus
        if call === bridge.target {
            guard bridge.audio != nil else {
                // The target never answered: the caller is still with the agent, on hold for an operator.
                bus.emit(.sip, .error("the bridge to \(call.sip.remoteURI) failed (\(reason)); the caller stays on hold for an operator"))
                return true
            }
            bus.emit(.sip, .sipState(.bridgeEnded(side: .target, reason: reason)))
            bridge.served.phoneCall.hangUp()
        } else {
            bridge.target.hangUp()
            // The caller left while the target rang: the server ends the agent's part as for any caller.
            guard bridge.audio != nil else { return false }
            bus.emit(.sip, .sipState(.bridgeEnded(side: .caller, reason: reason)))
        }
        logger.info("call \(bus.callID): bridge ended (\(reason))")
        return true
    }
}
