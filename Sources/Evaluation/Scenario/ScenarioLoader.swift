import Agent
import Foundation
import RingsideCore
import Yams

/// Reads scenario files (YAML, one call each) strictly: unknown keys, wrong types and bad values
/// are `LocatedError`s naming file, line, column and field.
public enum ScenarioLoader {
    /// Loads one scenario file. Its agent is the folder above the file's `calls/` folder.
    public static func load(_ url: URL) throws(LocatedError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LocatedError(SourceLocation(file: url.path), problem: "cannot read the scenario file", suggestion: "check the path")
        }
        return try parse(yaml: text, file: url.path, agentDirectory: agentDirectory(for: url))
    }

    /// The agent folder a scenario file belongs to: `AGENT/calls/x.yaml` → `AGENT`.
    public static func agentDirectory(for url: URL) -> URL {
        var dir = url.deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("agent.yaml").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return url.deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every scenario file under `paths` (files as given, folders searched recursively), sorted.
    /// Searching a folder finds the YAML files of its `calls/` folders: the tuning library. A folder
    /// named on its own that is not an agent folder (no `agent.yaml`) is a folder of scenarios too,
    /// so a held-out set kept beside `calls/` (`AGENT/generalisation/`) runs only when asked for.
    public static func scenarioFiles(in paths: [URL]) -> [URL] {
        var out: [URL] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else { out.append(path); continue }
            if !isDirectory.boolValue { out.append(path); continue }
            let walker = FileManager.default.enumerator(at: path, includingPropertiesForKeys: nil)
            let root = path.standardizedFileURL.path
            let isScenarioFolder = !FileManager.default.fileExists(atPath: path.appendingPathComponent("agent.yaml").path)
            var found: [URL] = []
            while let item = walker?.nextObject() as? URL {
                let ext = item.pathExtension
                guard ext == "yaml" || ext == "yml" else { continue }
                let folder = item.deletingLastPathComponent()
                if folder.lastPathComponent == "calls" || (isScenarioFolder && folder.standardizedFileURL.path == root) {
                    found.append(item.standardizedFileURL)
                }
            }
            out += found.sorted { $0.path < $1.path }
        }
        return out
    }

    /// Decodes scenario YAML; `file` names it in errors.
    public static func parse(yaml: String, file: String, agentDirectory: URL) throws(LocatedError) -> Scenario {
        guard let root = try YAMLSource.compose(yaml, file: file) else {
            throw LocatedError(SourceLocation(file: file, line: 1, column: 1), problem: "the scenario file is empty",
                               suggestion: "start from one in sample-calls/clinic/calls")
        }
        let top = ScenarioNode(node: root, file: file, path: "")
        let keys = try top.mapping(allowed: ["id", "tags", "description", "caller", "audio", "approval", "services", "turns", "expect", "assert", "limits", "runs"])
        guard let idNode = keys["id"] else { throw top.error("missing required key 'id'", suggestion: "add 'id: a-unique-name'") }
        guard let descriptionNode = keys["description"] else {
            throw top.error("missing required key 'description'", suggestion: "say in one sentence why this scenario exists")
        }
        guard let turnsNode = keys["turns"] else { throw top.error("missing required key 'turns'", suggestion: "add the caller's lines under 'turns:'") }
        if let expectNode = keys["expect"] {
            throw expectNode.error("'expect' belongs to a turn", suggestion: "put call-wide checks under 'assert:'")
        }
        let id = try idNode.string()
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw idNode.error("'\(id)' is not a valid id", suggestion: "use letters, digits, '-' and '_'")
        }
        var scenario = Scenario(id: id, tags: try keys["tags"]?.strings() ?? [], description: try descriptionNode.string(),
                                turns: try turns(turnsNode), file: file, agentDirectory: agentDirectory)
        if let n = keys["caller"] { scenario.caller = try caller(n) }
        if let n = keys["audio"] { scenario.audio = try audio(n) }
        if let n = keys["approval"] { scenario.approval = try n.choice(ApprovalAnswer.self) }
        if let n = keys["services"] { scenario.services = try services(n) }
        if let n = keys["assert"] { scenario.assertions = try assertions(n) }
        if let n = keys["limits"] { scenario.limits = try limits(n) }
        if let n = keys["runs"] { scenario.runs = try n.int(in: 1...100) }
        return scenario
    }

    private static func caller(_ node: ScenarioNode) throws(LocatedError) -> CallerProfile {
        let keys = try node.mapping(allowed: ["engine", "voice", "rate", "persona", "facts"])
        var profile = CallerProfile()
        if let n = keys["engine"] {
            profile.engine = try n.string()
            guard CallerProfile.engines.contains(profile.engine) else {
                throw n.error("unknown engine '\(profile.engine)'", suggestion: "use one of: " + CallerProfile.engines.joined(separator: ", "))
            }
            profile.voice = CallerProfile.defaultVoice(for: profile.engine)
        }
        if let n = keys["voice"] {
            profile.voice = try n.string()
            let voices = CallerProfile.voices(for: profile.engine)
            guard voices.contains(profile.voice) else {
                throw n.error("unknown \(profile.engine) voice '\(profile.voice)'", suggestion: "use one of: " + voices.joined(separator: ", "))
            }
        }
        if let n = keys["rate"] { profile.rate = try n.double(in: 0.5...2.0) }
        if let n = keys["persona"] { profile.persona = try n.string() }
        if let n = keys["facts"] {
            guard let mapping = n.node.mapping else { throw n.error("expected a mapping of facts", suggestion: "write 'name: John Smith' lines") }
            for (k, v) in mapping {
                guard let key = k.string, let value = v.scalar?.string else { throw n.error("facts are 'name: text' pairs") }
                profile.facts[key] = value
            }
        }
        return profile
    }

    /// `services: {CARRIER_URL: {status: 503, body: '{"error": "down"}'}}`.
    private static func services(_ node: ScenarioNode) throws(LocatedError) -> [String: LoopbackHTTPService.Response] {
        guard let mapping = node.node.mapping else { throw node.error("expected a mapping of services", suggestion: "write 'CARRIER_URL: {status: 503}'") }
        var out: [String: LoopbackHTTPService.Response] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let item = ScenarioNode(node: value, file: node.file, path: "\(node.path).\(name)")
            guard let first = name.first, first.isUppercase || first == "_",
                  name.allSatisfy({ ($0.isASCII && ($0.isUppercase || $0.isNumber)) || $0 == "_" }) else {
                throw item.error("'\(name)' is not an environment variable name", suggestion: "use upper-case letters, digits and '_', e.g. CARRIER_URL")
            }
            let keys = try item.mapping(allowed: ["status", "body"])
            var response = LoopbackHTTPService.Response()
            if let n = keys["status"] { response.status = try n.int(in: 100...599) }
            if let n = keys["body"] {
                response.body = try n.string()
                guard (try? JSONSerialization.jsonObject(with: Data(response.body.utf8), options: [.fragmentsAllowed])) != nil else {
                    throw n.error("the body is not valid JSON", suggestion: "quote it: body: '{\"eta\": \"2026-03-05\"}'")
                }
            }
            out[name] = response
        }
        return out
    }

    private static func audio(_ node: ScenarioNode) throws(LocatedError) -> LineConditions {
        let keys = try node.mapping(allowed: ["seed", "noise", "snr_db", "telephone", "drop_frames"])
        var line = LineConditions()
        if let n = keys["seed"] { line.seed = UInt64(try n.int(in: 0...Int.max)) }
        if let n = keys["noise"] { line.noise = try n.choice(LineConditions.Noise.self) }
        if let n = keys["snr_db"] {
            line.snrDB = try n.double(in: 0...60)
            if line.noise == nil { throw n.error("'snr_db' needs 'noise'", suggestion: "add 'noise: brown' or 'noise: white'") }
        }
        if let n = keys["telephone"] { line.telephoneBand = try n.bool() }
        if let n = keys["drop_frames"] { line.dropFrames = try n.double(in: 0...0.5) }
        return line
    }

    private static func turns(_ node: ScenarioNode) throws(LocatedError) -> [ScenarioTurn] {
        var out: [ScenarioTurn] = []
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error("a scenario needs at least one turn") }
        for item in items { out.append(try turn(item)) }
        return out
    }

    private static func turn(_ node: ScenarioNode) throws(LocatedError) -> ScenarioTurn {
        let keys = try node.mapping(allowed: ["say", "audio", "dtmf", "silence", "hang_up", "when", "barge_in_after_ms", "delay_ms", "optional", "expect"])
        let actions = ["say", "dtmf", "silence", "hang_up"].filter { keys[$0] != nil }
        guard actions.count == 1 else {
            throw node.error(actions.isEmpty ? "a turn needs an action" : "a turn has one action, found \(actions.joined(separator: " and "))",
                             suggestion: "use exactly one of: say, dtmf, silence, hang_up")
        }
        let action: ScenarioTurn.Action
        switch actions[0] {
        case "say":
            let text = try keys["say"].map { n throws(LocatedError) in try n.string() } ?? ""
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw node.error("'say' needs words") }
            action = .say(text)
        case "dtmf":
            let n = keys["dtmf"].map { $0 }
            let digits = try n?.string() ?? ""
            guard !digits.isEmpty, digits.allSatisfy({ "0123456789*#".contains($0) }) else {
                throw (n ?? node).error("'\(digits)' is not a keypad sequence", suggestion: "use digits, * and #")
            }
            action = .dtmf(digits)
        case "silence":
            action = .silence(milliseconds: try keys["silence"].map { n throws(LocatedError) in try n.int(in: 20...120_000) } ?? 0)
        default:
            action = .hangUp
        }
        var turn = ScenarioTurn(action: action, line: node.line)
        if let n = keys["when"] { turn.when = try n.pattern() }
        if let n = keys["barge_in_after_ms"] {
            guard case .say = action else { throw n.error("only a 'say' turn can barge in") }
            turn.bargeInAfterMs = try n.int(in: 0...60_000)
        }
        if let n = keys["audio"] {
            guard case .say = action else { throw n.error("only a 'say' turn can have recorded audio", suggestion: "put 'audio:' next to 'say:'") }
            let name = try n.string()
            let base = URL(fileURLWithPath: node.file).deletingLastPathComponent()
            let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : base.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw n.error("no audio file at \(url.path)", suggestion: "give a WAV path relative to the scenario file")
            }
            turn.audioFile = url.standardizedFileURL.path
        }
        if let n = keys["delay_ms"] { turn.delayMs = try n.int(in: 0...60_000) }
        if let n = keys["optional"] {
            turn.optional = try n.bool()
            if turn.optional, turn.when == nil { throw n.error("only a reactive turn (with 'when') can be optional") }
        }
        if let n = keys["expect"] { turn.expect = try expectation(n) }
        return turn
    }

    private static func expectation(_ node: ScenarioNode) throws(LocatedError) -> TurnExpectation {
        let keys = try node.mapping(allowed: ["max_latency_ms", "agent_says", "agent_never_says"])
        var e = TurnExpectation()
        if let n = keys["max_latency_ms"] { e.maxLatencyMs = try n.double(in: 1...60_000) }
        if let n = keys["agent_says"] { e.agentSays = try n.patterns() }
        if let n = keys["agent_never_says"] { e.agentNeverSays = try n.patterns() }
        return e
    }

    private static func assertions(_ node: ScenarioNode) throws(LocatedError) -> CallAssertions {
        let keys = try node.mapping(allowed: ["tools_called", "tools_not_called", "escalation", "approval_requested", "sql", "disclosure_first",
                                              "agent_says", "agent_never_says", "not_in_recording", "end_reason"])
        var a = CallAssertions()
        if let n = keys["tools_called"] { a.toolsCalled = try toolCalls(n) }
        if let n = keys["tools_not_called"] { a.toolsNotCalled = try toolCalls(n) }
        if let n = keys["escalation"] { a.escalation = try n.bool() }
        if let n = keys["approval_requested"] { a.approvalRequested = try n.bool() }
        if let n = keys["disclosure_first"] { a.disclosureFirst = try n.bool() }
        if let n = keys["agent_says"] { a.agentSays = try n.patterns() }
        if let n = keys["agent_never_says"] { a.agentNeverSays = try n.patterns() }
        if let n = keys["not_in_recording"] { a.notInRecording = try n.strings() }
        if let n = keys["end_reason"] { a.endReason = try n.pattern() }
        if let n = keys["sql"] {
            for item in try n.sequence() {
                let k = try item.mapping(allowed: ["query", "rows"])
                guard let q = k["query"] else { throw item.error("missing required key 'query'") }
                guard let r = k["rows"] else { throw item.error("missing required key 'rows'", suggestion: "write 'rows: []' for no rows") }
                var rows: [[String]] = []
                for row in try r.sequence() {
                    if row.node.scalar != nil { rows.append([try row.string()]) } else { rows.append(try row.strings()) }
                }
                a.sql.append(DatabaseCheck(query: try q.string(), rows: rows, line: item.line))
            }
        }
        return a
    }

    /// `- book_slot` or `- {tool: book_slot, args: {day: "2026-03-03"}}`.
    private static func toolCalls(_ node: ScenarioNode) throws(LocatedError) -> [ExpectedToolCall] {
        var out: [ExpectedToolCall] = []
        for item in try node.sequence() {
            if item.node.scalar != nil { out.append(ExpectedToolCall(tool: try item.string())); continue }
            let k = try item.mapping(allowed: ["tool", "args"])
            guard let t = k["tool"] else { throw item.error("missing required key 'tool'") }
            var call = ExpectedToolCall(tool: try t.string())
            if let args = k["args"] {
                guard let mapping = args.node.mapping else { throw args.error("expected a mapping of argument values") }
                for (key, value) in mapping {
                    guard let name = key.string, let v = value.scalar?.string else { throw args.error("arguments are 'name: value' pairs") }
                    call.arguments[name] = v
                }
            }
            out.append(call)
        }
        return out
    }

    private static func limits(_ node: ScenarioNode) throws(LocatedError) -> CallLimits {
        let keys = try node.mapping(allowed: ["max_turns", "max_duration_s", "max_silence_s"])
        var l = CallLimits()
        if let n = keys["max_turns"] { l.maxTurns = try n.int(in: 1...200) }
        if let n = keys["max_duration_s"] { l.maxDurationSeconds = try n.double(in: 1...3600) }
        if let n = keys["max_silence_s"] { l.maxSilenceSeconds = try n.double(in: 0.5...600) }
        return l
    }
}
