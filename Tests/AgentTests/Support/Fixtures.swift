import Foundation
import GRDB
import RingsideCore
import Synchronization
import Testing
@testable import Agent

/// Paths and helpers shared by the agent tests.
enum Fixtures {
    /// The repository root, found from this file's location.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func agentDirectory(_ name: String) -> URL {
        root.appendingPathComponent("sample-calls").appendingPathComponent(name)
    }

    /// A fresh temporary folder for one test.
    static func temporaryFolder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ringside-agent-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func loadAgent(_ name: String) throws -> AgentDefinition {
        try AgentLoader.load(directory: agentDirectory(name))
    }

    /// The built `ringside` executable, next to the test bundle or in the package's build folder.
    static func ringsideBinary() -> URL? {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            var dir = URL(fileURLWithPath: first).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("ringside"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(root.appendingPathComponent(".build/debug/ringside"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs a program to completion, feeding `input`; returns exit status and outputs.
    static func run(_ program: URL, _ arguments: [String], input: String = "", directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

/// What the operator does when an approval is requested during a scripted conversation.
enum OperatorAction: Sendable, Equatable {
    case none
    case approve
    case deny
    /// Nobody answers; the virtual clock runs past the approval timeout.
    case letTimeOut
}

/// A scripted call against a fresh copy of an agent's database.
struct ScriptedCall {
    let agent: AgentDefinition
    let folder: URL
    let database: DatabaseQueue
    let events: EventCollector
    let conversation: Conversation
    let clock: VirtualClock
    var turns: [BrainTurn] = []
    /// Wall time of each `hear`, in milliseconds (brain decision time including SQL tools).
    var decisionTimes: [Double] = []

    init(agent name: String, approval: ApprovalMode = .ask, audit: Bool = false, tools: [String: any Tool]? = nil, agentDefinition: AgentDefinition? = nil) async throws {
        agent = try agentDefinition ?? Fixtures.loadAgent(name)
        folder = Fixtures.temporaryFolder()
        database = try AgentDatabase.create(at: folder.appendingPathComponent("agent.sqlite"), definition: agent)
        clock = VirtualClock()
        events = EventCollector(callID: "test", clock: clock)
        let options = ConversationOptions(
            callID: "test", clock: clock, events: events, approvalMode: approval,
            auditURL: audit ? folder.appendingPathComponent("audit.jsonl") : nil,
            memoryURL: folder.appendingPathComponent("memory.sqlite"), tools: tools
        )
        conversation = try Conversation(agent: agent, database: database, options: options)
        turns.append(await conversation.start(callerID: "+15550100"))
    }

    /// Says one line; answers an approval request the way `action` says if one comes up.
    @discardableResult
    mutating func say(_ line: String, operator action: OperatorAction = .none) async -> BrainTurn {
        let conversation = self.conversation
        let clock = self.clock
        let started = ContinuousClock.now
        let task = Task { await conversation.hear(line) }
        if action != .none {
            // Wait (without sleeping) until the request is at the desk or the turn finished without one.
            let finished = Mutex(false)
            let watcher = Task { _ = await task.value; finished.withLock { $0 = true } }
            while true {
                if let id = await conversation.approvals.waiting.first {
                    switch action {
                    case .approve: await conversation.decideApproval(id: id, approved: true)
                    case .deny: await conversation.decideApproval(id: id, approved: false)
                    case .letTimeOut: clock.advance(by: .seconds(3600))
                    case .none: break
                    }
                    break
                }
                if finished.withLock({ $0 }) { break }
                await Task.yield()
            }
            _ = await watcher.value
        }
        let turn = await task.value
        let elapsed = ContinuousClock.now - started
        if action == .none {
            decisionTimes.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        turns.append(turn)
        return turn
    }

    /// Everything the agent said, joined.
    var transcript: String { turns.map(\.text).joined(separator: "\n") }

    func scalar(_ sql: String) throws -> String? {
        try database.read { db in
            try DatabaseValue.fetchOne(db, sql: sql).flatMap { value -> String? in
                switch value.storage {
                case .null: return nil
                case .int64(let i): return String(i)
                case .double(let d): return String(d)
                case .string(let s): return s
                case .blob: return "blob"
                }
            }
        }
    }
}
