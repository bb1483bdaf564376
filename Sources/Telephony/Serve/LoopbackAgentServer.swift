import Agent
import Foundation
import GRDB
import RingsideCore

/// `ringside serve` inside this process on 127.0.0.1 with one database file every call shares: what
/// tests and benchmarks call over SIP when they need to look at the serving side too.
public final class LoopbackAgentServer: @unchecked Sendable {
    public let phone: SIPPhone
    public let databaseURL: URL
    public let database: DatabaseQueue
    private let served = LockedValue<[AgentCallServer.ServedCall]>([])
    private var serving: Task<Void, Never>?

    /// Seeds a fresh database at `databaseURL` from the agent and starts answering.
    public init(agentDirectory: URL, databaseURL: URL, approvalMode: ApprovalMode = .denyAll) throws {
        self.databaseURL = databaseURL
        database = try AgentDatabase.create(at: databaseURL, definition: try AgentLoader.load(directory: agentDirectory))
        phone = SIPPhone(configuration: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: 0), mediaAddress: "127.0.0.1",
                                                              codecs: [.opus, .pcmu, .pcma], autoAnswer: true))
        try phone.start()
        let server = AgentCallServer(phone: phone, agentDirectory: agentDirectory, recordRoot: nil, approvalMode: approvalMode,
                                     databaseURL: databaseURL) { [served] call in served.withLock { $0.append(call) } }
        serving = Task { await server.run() }
    }

    /// `sip:agent@127.0.0.1:PORT`.
    public var uri: String { "sip:agent@127.0.0.1:\(phone.agent.localPort)" }

    /// Every call answered so far.
    public var calls: [AgentCallServer.ServedCall] { served.value }

    /// Names of the tools the agent ran, over every call.
    public var toolsCalled: [String] {
        calls.flatMap { $0.call.bus.events }.compactMap { e in if case let .toolFinished(t) = e.payload { return t.tool }; return nil }
    }

    /// A dialer for the scenario runner that calls this server offering `codecs`.
    public func dialer(codecs: [MediaCodec]) -> SIPAgentDialer {
        SIPAgentDialer(target: uri, phone: SIPPhoneConfiguration(sip: SIPConfiguration(bindAddress: "127.0.0.1", port: 0), mediaAddress: "127.0.0.1",
                                                                codecs: codecs),
                       databaseURL: databaseURL)
    }

    public func stop() async {
        await phone.shutdown()
        serving?.cancel()
    }
}
