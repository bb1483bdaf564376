import Agent
import ArgumentParser
import Foundation
import RingsideCore

/// `ringside talk`: be the caller. With `--text`, type to the agent instead of speaking.
struct Talk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to a voice agent as the caller.",
        discussion: """
            With --text you type and the agent's replies and tool calls are printed. When standard \
            input is not a terminal, each input line is one caller turn and each reply is printed as \
            'agent: …' and each tool call as 'tool: NAME ARGS -> RESULT' (redacted), so it can be scripted.
            Conversations run against a fresh copy of the agent's seeded database unless --database is given.
            """
    )

    @Flag(help: "Converse by typing (the voice path needs the audio session).")
    var text = false

    @Option(help: "The agent folder (holding agent.yaml).")
    var agent = "sample-calls/clinic"

    @Flag(help: "Print every event as a JSON line instead of the readable transcript.")
    var json = false

    @Option(help: "Answer approval requests: all, none, or ask (prompt on the terminal).")
    var approve: String?

    @Option(help: "Seconds an approval waits before it counts as denied (default: the agent file's).")
    var approvalTimeout: Double?

    @Option(help: "Use (and change) this SQLite database instead of a fresh copy of the seed.")
    var database: String?

    @Option(help: "Append the hash-chained audit log to this file.")
    var audit: String?

    @Option(help: "The caller's id (number or SIP identity), for returning-caller memory.")
    var callerID: String?

    @Option(help: "Where returning-caller memory is kept (SQLite), when the agent allows it.")
    var memory: String?

    @Option(help: "Treat this day as today (YYYY-MM-DD); default: the agent's reference date.")
    var today: String?

    @Flag(help: "Use the agent's LLM (hybrid with the intent engine) when its file configures one.")
    var llm = false

    @OptionGroup(title: "Voice call")
    var voice: CallAudioOptions

    func run() async throws {
        guard text else {
            try await LiveCall(agentDirectory: agent, audio: voice, approve: approve ?? "ask").run()
            return
        }
        CommandLogging.bootstrap()
        let interactive = isatty(STDIN_FILENO) == 1
        let mode: ApprovalMode
        switch approve ?? (interactive ? "ask" : "none") {
        case "all": mode = .approveAll
        case "none": mode = .denyAll
        case "ask": mode = .ask
        default:
            printError("--approve takes all, none or ask")
            throw ExitCode(2)
        }
        var options = TextMode.Options(agentDirectory: URL(fileURLWithPath: agent))
        options.json = json
        options.approval = mode
        options.approvalTimeout = approvalTimeout
        options.database = database.map { URL(fileURLWithPath: $0) }
        options.auditLog = audit.map { URL(fileURLWithPath: $0) }
        options.memory = memory.map { URL(fileURLWithPath: $0) }
        options.callerID = callerID
        options.useLLM = llm
        options.prompt = interactive && !json
        if let today {
            guard let day = CalendarDay(iso: today) else {
                printError("--today takes a date as YYYY-MM-DD")
                throw ExitCode(2)
            }
            options.today = day
        }
        if mode == .ask, interactive {
            options.asker = { _, tool, arguments in
                let answer = await Task.detached { () -> String? in
                    try? FileHandle.standardOutput.write(contentsOf: Data("approve \(tool) \(arguments)? [y/N] ".utf8))
                    return Swift.readLine()
                }.value
                return answer.map { $0.lowercased().hasPrefix("y") }
            }
        }
        do {
            try await TextMode(options: options).run(
                readLine: { await Task.detached { Swift.readLine() }.value },
                write: { line in try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8)) },
                prompt: { p in try? FileHandle.standardOutput.write(contentsOf: Data(p.utf8)) }
            )
        } catch {
            // An agent or database that does not load: a bad input, as in a live call.
            printError(error.description)
            throw ExitCode(2)
        }
    }
}
