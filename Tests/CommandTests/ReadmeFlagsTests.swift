import Foundation
import Testing
import TestSupport

/// Every `--flag` README.md names for a command exists in that command's `--help` of the built binary.
///
/// The rule, simple enough to hold for every paragraph without a list of exceptions:
/// - A code span or shell line holding `ringside CMD [SUB] …`, or starting with a command's name
///   (`serve --turn smart`), names flags of that command: every `--flag` after it (up to a `#`
///   comment) must be in `ringside CMD [SUB] --help`.
/// - A code span that starts with a flag (`--no-tui`, `--stt whisper|pocketsphinx`) must name a flag
///   of some command: prose often speaks of a flag several commands share.
/// - Spans about other programs (`swift test --filter …`, `ringside-bench …`, `farm.sh …`) are left out.
/// Commands are those `ringside --help` lists (nested ones too, as "report merge") and the hidden ones
/// the README names (`ringside ui-demo`) whose `--help` is their own.
@Suite struct ReadmeFlagsTests {
    var ringside: String { TestPaths.builtProduct("ringside").path }

    @Test func everyFlagTheReadmeNamesExists() throws {
        let readme = try String(contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = try helpFlags(alsoTrying: Self.namedCommands(readme))
        #expect(commands.keys.contains("talk") && commands.keys.contains("report merge") && commands.keys.contains("ui-demo"), "\(commands.keys.sorted())")
        let problems = Self.check(readme, against: commands)
        #expect(problems.isEmpty, "README.md names flags the commands do not have:\n\(problems.joined(separator: "\n"))")
    }

    /// The checker itself catches a made-up flag, in a command line and in prose.
    @Test func aFlagThatDoesNotExistIsFound() {
        let commands = ["talk": Set(["--mic"]), "call": Set(["--codecs"]), "serve": Set(["--headless"])]
        let readme = """
            ## Talking: `ringside talk`
            Options: `--mic NAME`, `--mice`, `serve --codecs`.
            ```sh
            ringside call sip:a --codecs opus --speed 2   # a comment --not-checked
            ```
            `--headless` and `--codecs` exist, `--board` does not; `ringside-bench sip --calls 3` and `swift test --filter X` are other programs.
            """
        #expect(Self.check(readme, against: commands) == [
            "README.md:2: --mice is not an option of any ringside command",
            "README.md:2: --codecs is not an option of ringside serve",
            "README.md:4: --speed is not an option of ringside call",
            "README.md:6: --board is not an option of any ringside command",
        ])
    }

    /// The names the README writes after `ringside ` (candidates for hidden commands).
    static func namedCommands(_ readme: String) -> Set<String> {
        Set(readme.matches(of: #/ringside ([a-z][a-z-]*)/#).map { String($0.output.1) })
    }

    /// Each command path ("talk", "report merge") with the flags its `--help` lists.
    func helpFlags(alsoTrying candidates: Set<String>) throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        let listed = try Self.subcommands(of: help([]))
        var pending = listed
        for name in candidates.subtracting(listed).sorted() {
            // A hidden command answers with its own usage; anything else falls through to the default command.
            let run = try runProgram(ringside, [name, "--help"])
            if run.status == 0, run.stdout.contains("USAGE: ringside \(name)") { out[name] = Self.options(in: run.stdout) }
        }
        while let path = pending.first {
            pending.removeFirst()
            let text = try help(path.split(separator: " ").map(String.init))
            let nested = Self.subcommands(of: text)
            if nested.isEmpty { out[path] = Self.options(in: text) } else { pending += nested.map { path + " " + $0 } }
        }
        return out
    }

    func help(_ path: [String]) throws -> String {
        let run = try runProgram(ringside, path + ["--help"])
        #expect(run.status == 0, "ringside \(path.joined(separator: " ")) --help: \(run.stderr)")
        return run.stdout
    }

    /// The names under SUBCOMMANDS: ("  talk (default)   Talk to…").
    static func subcommands(of help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[start.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), name != "See" else { return nil }
            return String(name)
        }
    }

    /// The flags an option line defines ("  --record/--no-record   Record…", "  -h, --help   Show…"):
    /// what comes before the gap to the description.
    static func options(in help: String) -> Set<String> {
        var flags = Set<String>()
        for line in help.split(separator: "\n") where line.hasPrefix("  ") && line.drop(while: { $0 == " " }).hasPrefix("-") {
            let names = line.drop(while: { $0 == " " }).components(separatedBy: "  ").first ?? ""
            flags.formUnion(flagTokens(names))
        }
        return flags
    }

    static func flagTokens(_ text: some StringProtocol) -> [String] {
        let pattern = #/--[a-z0-9][a-z0-9-]*/#
        return String(text).matches(of: pattern).map { String($0.output) }
    }

    /// Problems, one line each (README.md:LINE: …).
    static func check(_ readme: String, against commands: [String: Set<String>]) -> [String] {
        var problems: [String] = []
        var inFence = false
        let everyFlag = commands.values.reduce(into: Set<String>()) { $0.formUnion($1) }

        /// The command path a `ringside …` text names, and the text after it.
        func commandLine(_ text: String) -> (path: String, rest: [String])? {
            guard let range = text.range(of: #"(^|[^-\w])ringside [a-z]"#, options: .regularExpression) else { return nil }
            let from = text[range].hasPrefix("ringside") ? range.lowerBound : text.index(after: range.lowerBound)
            let tokens = text[from...].split(separator: " ").map(String.init)
            guard tokens.count > 1 else { return nil }
            if tokens.count > 2, commands[tokens[1] + " " + tokens[2]] != nil { return (tokens[1] + " " + tokens[2], Array(tokens.dropFirst(3))) }
            return commands[tokens[1]] != nil ? (tokens[1], Array(tokens.dropFirst(2))) : nil
        }

        func checkSpan(_ span: String, line: Int) {
            if span.contains("ringside-bench") { return }
            var text = span
            if let comment = text.range(of: " #") { text = String(text[..<comment.lowerBound]) }
            let words = text.split(separator: " ").map(String.init)
            let named: (path: String, rest: [String])? = commandLine(text) ?? words.first.flatMap { commands[$0] != nil ? ($0, Array(words.dropFirst())) : nil }
            if let (path, rest) = named {
                for flag in flagTokens(rest.joined(separator: " ")) where commands[path]?.contains(flag) != true {
                    problems.append("README.md:\(line): \(flag) is not an option of ringside \(path)")
                }
            } else if words.first?.hasPrefix("--") == true {
                for flag in flagTokens(text) where !everyFlag.contains(flag) {
                    problems.append("README.md:\(line): \(flag) is not an option of any ringside command")
                }
            }
        }

        for (index, line) in readme.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                inFence.toggle()
            } else if inFence {
                checkSpan(String(line), line: index + 1)
            } else {
                let spans = line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
                for span in spans { checkSpan(String(span.element), line: index + 1) }
            }
        }
        return problems
    }
}
