import Agent
import Foundation
import Logging
import RingsideCore
import Session

/// What `ringside serve` does when the agent hands a caller on and the agent file names a transfer
/// (`escalation: {target: sip:…, transfer: refer}`): once the handoff line has been heard, the caller
/// is sent a SIP REFER to the target (a cold transfer), and the call ends when the NOTIFY says the
/// target answered, or when the caller hangs up. A failed transfer leaves the caller on hold for an operator.
enum EscalationTransfer {
    /// Whether calls of this agent must stay up after the handoff line (so the transfer can happen).
    static func holdsOnHandoff(agentDirectory: URL) -> Bool {
        guard let definition = try? AgentLoader.load(directory: agentDirectory) else { return false }
        return definition.escalation.transfer == .refer
    }

    /// Watches a served call's events for the agent's escalation and sends the REFER after it.
    static func watch(_ served: AgentCallServer.ServedCall, phone: SIPPhone, logger: Logger) {
        let escalation = served.call.definition.escalation
        guard escalation.transfer == .refer else { return }
        let bus = served.call.bus
        // The turn the agent escalated in, once it has; whether the REFER has gone.
        let state = LockedValue((turn: Int?.none, referred: false))
        bus.observe { event in
            switch event.payload {
            case let .escalated(summary, _):
                state.withLock { $0.turn = event.turn }
                logger.notice("call \(bus.callID) handed to \(escalation.target): \(summary)")
            case .playoutFinished:
                // After the handoff line has been played: the caller hears where they are going first.
                let due = state.withLock { s -> Bool in
                    guard let turn = s.turn, event.turn >= turn, !s.referred else { return false }
                    s.referred = true
                    return true
                }
                guard due else { return }
                // Observers run inside the bus's lock: emit and signal from outside it.
                Task {
                    bus.emit(.sip, .sipState("transferring to \(escalation.target) (REFER)"))
                    do { try phone.transfer(served.phoneCall, to: escalation.target) } catch {
                        bus.emit(.sip, .error("cannot transfer to \(escalation.target): \(error)"))
                    }
                }
            default:
                break
            }
        }
    }

    /// A NOTIFY (or the REFER's failure) for a served call: 2xx ends the call, a failure keeps it for an operator.
    static func progressed(_ served: AgentCallServer.ServedCall, status: Int, phrase: String, end: () -> Void) {
        let target = served.call.definition.escalation.target
        let bus = served.call.bus
        switch status {
        case 200..<300:
            bus.emit(.sip, .sipState("transferred to \(target)"))
            end()
        case 300...:
            bus.emit(.sip, .error("the transfer to \(target) failed (\(status) \(phrase)); the caller stays on hold for an operator"))
        default:
            bus.emit(.sip, .sipState("transfer \(status) \(phrase)"))
        }
    }
}
