import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs a local command with the arguments as JSON on stdin and reads its JSON result from stdout.
/// A command that outlives its timeout is killed (SIGKILL).
public struct ExecTool: Tool {
    public let definition: ToolDefinition
    private let spec: ExecToolSpec
    private let directory: URL

    public init(definition: ToolDefinition, spec: ExecToolSpec, directory: URL) {
        self.definition = definition
        self.spec = spec
        self.directory = directory
    }

    public func call(_ arguments: JSONValue) async throws(ToolError) -> JSONValue {
        let process = Process()
        guard let program = spec.command.first else { throw .commandFailed("empty command") }
        process.executableURL = program.hasPrefix("/") ? URL(fileURLWithPath: program) : directory.appendingPathComponent(program)
        if !program.contains("/") { process.executableURL = URL(fileURLWithPath: "/usr/bin/env"); process.arguments = spec.command }
        else { process.arguments = Array(spec.command.dropFirst()) }
        process.currentDirectoryURL = directory
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let timedOut = Mutex(false)
        let resumed = Mutex(false)
        let finished: Void? = await withCheckedContinuation { (continuation: CheckedContinuation<Void?, Never>) in
            // Resumed exactly once: by the exit, by the timeout, or by a failed start.
            let resume: @Sendable (Void?) -> Void = { value in
                let first = resumed.withLock { done -> Bool in
                    if done { return false }
                    done = true
                    return true
                }
                if first { continuation.resume(returning: value) }
            }
            process.terminationHandler = { _ in resume(()) }
            do {
                try process.run()
            } catch {
                resume(nil)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + spec.timeout) {
                guard !resumed.withLock({ $0 }) else { return }
                timedOut.withLock { $0 = true }
                kill(pid, SIGKILL)
                resume(())
            }
            // A command that exits without reading its input closes the pipe: not an error here.
            try? input.fileHandleForWriting.write(contentsOf: Data(arguments.jsonText.utf8))
            try? input.fileHandleForWriting.close()
        }
        guard finished != nil else { throw .commandFailed("cannot start \(program)") }
        if timedOut.withLock({ $0 }) { throw .timeout(seconds: spec.timeout) }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw .commandFailed("exit status \(process.terminationStatus): \(stderr.prefix(200))")
        }
        guard let value = JSONValue.parse(stdout) else { throw .malformedResponse("stdout is not JSON") }
        return value
    }
}
