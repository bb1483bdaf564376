import Audio
import Foundation
import RingsideCore

/// A connected call to an agent outside this process (over SIP), as a caller sees it: the agent's
/// audio arriving in real time, a sink for what the caller says, the keypad and hanging up.
///
/// The scenario runner drives a simulated caller over one; `Telephony` provides the SIP one.
public protocol RemoteAgentLine: AnyObject, Sendable {
    /// The agent's audio, paced by the network: one 20 ms frame per call, nil once the call is over.
    var fromAgent: any AudioSource { get }
    /// What the caller says to the agent.
    var toAgent: any AudioSink { get }
    /// How the call is carried, e.g. "sip opus".
    var transport: String { get }
    /// The agreed audio is telephone band (G.711), whatever was offered: what hears the agent expects it.
    var narrowband: Bool { get }
    /// Why the far end ended the call, once it has.
    var endReason: String? { get }
    /// Sends keypad digits out of band (RFC 4733 on SIP).
    func sendDigits(_ digits: String)
    /// Hangs up (if still up) and releases the line.
    func hangUp() async
}

/// Places calls to one remote agent.
public protocol RemoteAgentDialer: Sendable {
    /// Where calls go, e.g. `sip:agent@127.0.0.1:5062`.
    var target: String { get }
    /// The agent's database file, when the caller can see it (a local `serve --database FILE`);
    /// nil for a truly remote agent, whose database checks are then not observable.
    var databaseURL: URL? { get }
    /// Calls carry telephone-band audio (only G.711 offered), so transcribers should expect it (before a
    /// call is up; the line then says what was agreed).
    var narrowband: Bool { get }
    /// Calls the agent; returns once the call is connected, or throws why it did not connect.
    func dial(callID: String) async throws -> any RemoteAgentLine
}
